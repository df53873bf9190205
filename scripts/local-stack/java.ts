/** Finds a Java runtime of at least a given major version among those installed. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PrerequisiteError } from './component.ts';
import { versionOf } from './commands.ts';

export interface JavaRuntime {
  /** Path of the `java` executable. */
  java: string;
  major: number;
}

function majorOf(java: string): number | undefined {
  const version = versionOf(java, ['-version']);
  const major = /version "(\d+)/.exec(version ?? '')?.[1];
  return major === undefined ? undefined : Number(major);
}

function candidates(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  if (env['JAVA_HOME']) found.push(join(env['JAVA_HOME'], 'bin', 'java'));
  found.push('java');
  const jvmDir = '/usr/lib/jvm';
  if (existsSync(jvmDir)) {
    for (const entry of readdirSync(jvmDir).sort()) found.push(join(jvmDir, entry, 'bin', 'java'));
  }
  return found;
}

/**
 * The first Java of at least `minMajor` in this order: $JAVA_HOME, `java` on PATH, then
 * /usr/lib/jvm/* (where Debian and Temurin packages install side by side).
 */
export function findJava(minMajor: number, purpose: string, env: NodeJS.ProcessEnv = process.env): JavaRuntime {
  const seen: string[] = [];
  for (const java of candidates(env)) {
    const major = majorOf(java);
    if (major === undefined) continue;
    if (major >= minMajor) return { java, major };
    seen.push(`${java} (${major})`);
  }
  const found = seen.length > 0 ? `found only ${seen.join(', ')}` : 'found none';
  throw new PrerequisiteError(
    `${purpose} needs Java ${minMajor} or newer and ${found}: install one (e.g. Debian's openjdk-${minMajor}-jre-headless or Temurin ${minMajor}) or set JAVA_HOME`,
  );
}
