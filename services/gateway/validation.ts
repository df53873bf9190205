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
    // Errors carry their schema: a discriminator's error names the values its branches accept.
    verbose: true,
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

/** At most this many allowed values are listed in a message; an enum longer than that is not spelled out. */
const LISTED_VALUES = 20;

/** "must be one of: …" for these values, or Ajv's own message when there are none or too many. */
function oneOf(values: readonly unknown[], otherwise: string): string {
  if (values.length === 0 || values.length > LISTED_VALUES) return otherwise;
  return `must be one of: ${values.map((value) => JSON.stringify(value)).join(', ')}`;
}

/** The values of `tag` that the branches of a discriminated `oneOf` accept (each branch's `const` or `enum`). */
function discriminatorValues(parentSchema: unknown, tag: string): unknown[] {
  const branches = (
    parentSchema as { oneOf?: { properties?: Record<string, { const?: unknown; enum?: unknown[] }> }[] }
  )?.oneOf;
  return (branches ?? []).flatMap((branch) => {
    const property = branch.properties?.[tag];
    if (property?.const !== undefined) return [property.const];
    return property?.enum ?? [];
  });
}

/** One Ajv error as a field problem, or undefined when another error of the same field says it already. */
function fieldProblem(error: ErrorObject, part: string): FieldProblem | undefined {
  const params = error.params as {
    missingProperty?: string;
    additionalProperty?: string;
    allowedValues?: unknown[];
    tag?: string;
    tagValue?: unknown;
    error?: string;
  };
  const at = (path: string, message: string): FieldProblem => ({ in: part, path: path === '' ? '/' : path, message });
  if (error.keyword === 'discriminator' && params.tag !== undefined) {
    // A missing tag is the `required` error's to report.
    if (params.tagValue === undefined) return undefined;
    const path = `${error.instancePath}/${params.tag}`;
    if (params.error !== 'mapping') return at(path, 'must be a string');
    return at(path, oneOf(discriminatorValues(error.parentSchema, params.tag), 'is not a known value'));
  }
  const extra = params.missingProperty ?? params.additionalProperty;
  const path = extra === undefined ? error.instancePath : `${error.instancePath}/${extra}`;
  if (params.additionalProperty !== undefined) return at(path, 'is not a known field');
  const message = error.message ?? 'is invalid';
  return at(path, error.keyword === 'enum' ? oneOf(params.allowedValues ?? [], message) : message);
}

/** Ajv's errors as field problems; the pointer names the missing or unknown property itself. */
export function fieldProblems(errors: readonly ErrorObject[], part: string): FieldProblem[] {
  const problems = errors
    // The discriminator's own "must match exactly one schema" adds nothing to the branch's errors.
    .filter((error) => error.keyword !== 'if')
    .map((error) => fieldProblem(error, part))
    .filter((problem) => problem !== undefined);
  // allErrors reports a bad value once per failing keyword; one line per path and message is enough.
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
