/** Numeric settings of a service's main.ts, read from the environment (pure). */

/**
 * The whole number above 0 in `env[name]`, or `defaultValue` when it is unset or blank; throws
 * a RangeError naming the variable otherwise (main.ts prints it and exits with code 2).
 */
export function positiveIntegerSetting(env: NodeJS.ProcessEnv, name: string, defaultValue: number): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return defaultValue;
  if (!/^\d+$/.test(value.trim()) || Number(value) === 0) {
    throw new RangeError(`${name}: expected a whole number above 0, got "${value}"`);
  }
  return Number(value);
}

/** `positiveIntegerSetting`, exiting with code 2 and the message when the value is bad. */
export function positiveIntegerSettingOrExit(env: NodeJS.ProcessEnv, name: string, defaultValue: number): number {
  try {
    return positiveIntegerSetting(env, name, defaultValue);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
