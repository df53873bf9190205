/**
 * The gateway's JSON Schema validators (Ajv, the validator fastify itself uses), one per kind
 * of input: request bodies are validated as sent (no type coercion, unknown fields refused,
 * every problem reported), while query strings and path parameters, which are text on the
 * wire, are coerced to the declared types.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export is the plugin function itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export type HttpPart = 'body' | 'querystring' | 'params' | 'headers';

function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes,
    useDefaults: false,
    removeAdditional: false,
    discriminator: true,
    // OpenAPI annotations (`example`, the discriminator) are allowed in route schemas.
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

const bodyAjv = createAjv(false);
const textAjv = createAjv(true);

/** A compiled validator for one part of a request. */
export function compileValidator(schema: object, part: string): ValidateFunction {
  return (part === 'body' ? bodyAjv : textAjv).compile(schema);
}

/** One bad field of a request: where it is (a JSON pointer in its part) and what is wrong. */
export interface FieldProblem {
  in: string;
  path: string;
  message: string;
}

/** Ajv's errors as field problems; the pointer names the missing or unknown property itself. */
export function fieldProblems(errors: readonly ErrorObject[], part: string): FieldProblem[] {
  const problems = errors
    // The discriminator's own "must match exactly one schema" adds nothing to the branch's errors.
    .filter((error) => error.keyword !== 'if')
    .map((error): FieldProblem => {
      const params = error.params as { missingProperty?: string; additionalProperty?: string };
      const extra = params.missingProperty ?? params.additionalProperty;
      const path = extra === undefined ? error.instancePath : `${error.instancePath}/${extra}`;
      const message =
        params.additionalProperty !== undefined ? 'is not a known field' : (error.message ?? 'is invalid');
      return { in: part, path: path === '' ? '/' : path, message };
    });
  // allErrors reports a bad value once per failing keyword; one line per path and message is enough.
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
