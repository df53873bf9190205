/**
 * What every plain options object shares (a stage's options, the document limits, the trainer's
 * limits): its problems against its typebox schema, one line each with its path, and its given
 * fields without the ones left undefined, to spread over the defaults.
 */
import type { TSchema } from 'typebox';
import Value from 'typebox/value';

/** Every problem of `options` against `schema` (`/maxEpochs: must be >= 1`, `/: unknown option(s) x`); empty when valid (pure). */
export function optionsProblems(schema: TSchema, options: object): string[] {
  return Value.Errors(schema, withoutUndefined(options))
    .filter((error) => error.keyword !== 'boolean')
    .map((error) => {
      if (error.keyword === 'additionalProperties') {
        const unknown = (error.params as { additionalProperties?: string[] }).additionalProperties ?? [];
        return `${error.instancePath || '/'}: unknown option(s) ${unknown.join(', ')}`;
      }
      return `${error.instancePath || '/'}: ${error.message}`;
    });
}

/** `value`'s fields that are not undefined (pure), so spreading it never hides a default. */
export function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
