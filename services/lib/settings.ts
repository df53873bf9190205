/**
 * The one way a sedano service reads its configuration.
 *
 * Each service declares its settings once (`defineSettings`, usually over `baseSettings`):
 * for each resolved property, the environment variable it comes from, what it means, its
 * default as written in the environment, and a typebox schema its parsed value must satisfy.
 * `resolveSettings(spec, env)` (called once, in the service's main.ts, through the service
 * kit) returns a frozen object with units in the names (`...Ms`, `...Bytes`) and reports
 * **every** problem at once: the variable, what was expected and what was given. Durations are
 * written like `30s`, sizes like `64MiB`. Nothing here reads `process.env` or exits: main.ts
 * passes the environment, and the service kit decides the exit code.
 *
 * README.md's configuration table is generated from these declarations
 * (`settingsTableMarkdown`) and a unit test keeps them in step.
 */
import Type, { type TSchema } from 'typebox';
import Value from 'typebox/value';
import { DEFAULT_NAMESPACE, NAMESPACE_PATTERN } from '../../topology/names.ts';
import { LOCAL_ENDPOINTS } from './endpoints.ts';
import { SASL_MECHANISMS } from './kafka-security.ts';
import { SedanoError } from './errors.ts';
import { redactText } from './redaction.ts';
import { type DurationUnit, parseDurationMs, parseSizeBytes } from './units.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** One setting: where it comes from, how it is read, what it must satisfy. */
export interface Setting<T> {
  /** The environment variable, e.g. `SEDANO_SHUTDOWN_GRACE`. */
  readonly variable: string;
  /** What it means, for the README's configuration table. */
  readonly description: string;
  /** The default as written in the environment; undefined: the setting is optional (or required). */
  readonly defaultText: string | undefined;
  /** How the default is shown when it is computed rather than written (e.g. `<stage>@<host>:<pid>`). */
  readonly defaultShown?: string;
  /** True when a value must be given (no default). */
  readonly required: boolean;
  /** What a valid value looks like, for messages: `a duration such as 30s`. */
  readonly expected: string;
  /** A secret's given value is never repeated in a message. */
  readonly secret: boolean;
  /** Reads the text; undefined when it is not of the expected form. */
  parse(text: string): T | undefined;
  /** The schema the parsed value must satisfy (bounds, patterns). */
  readonly schema: TSchema;
}

export type SettingsSpec = Readonly<Record<string, Setting<unknown>>>;

/** The resolved settings of a spec: a setting with a default (or required) always has a value. */
export type ResolvedSettings<S extends SettingsSpec> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** What is wrong with one variable. */
export interface SettingProblem {
  variable: string;
  expected: string;
  /** The text given (a URL's password and any credential parameter in it redacted), or `(unset)`; `(hidden)` for a secret. */
  given: string;
}

/** Thrown by `resolveSettings` with every problem found; the service kit prints them and exits 2. */
export class SettingsError extends SedanoError {
  readonly problems: readonly SettingProblem[];
  constructor(problems: readonly SettingProblem[]) {
    super(
      'SEDANO_ERR_CONFIG_INVALID',
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.variable}: expected ${p.expected}, got ${p.given}`).join('\n'),
    );
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

interface SettingOptions<D> {
  description: string;
  /** The default, as it would be written in the environment. */
  default?: D;
  /** A value must be given. */
  required?: boolean;
  /** How a computed default is shown in the README. */
  defaultShown?: string;
  secret?: boolean;
}

/** A setting's value type: `T` when it has a default or is required, else `T | undefined`. */
type ValueOf<T, O> = O extends { default: unknown } ? T : O extends { required: true } ? T : T | undefined;

function define<T, O extends SettingOptions<string | number | boolean>>(
  variable: string,
  options: O,
  form: { expected: string; schema: TSchema; parse: (text: string) => T | undefined },
): Setting<ValueOf<T, O>> {
  return {
    variable,
    description: options.description,
    defaultText: options.default === undefined ? undefined : String(options.default),
    ...(options.defaultShown === undefined ? {} : { defaultShown: options.defaultShown }),
    required: options.required ?? false,
    secret: options.secret ?? false,
    expected: form.expected,
    schema: form.schema,
    parse: form.parse as (text: string) => ValueOf<T, O> | undefined,
  };
}

function bounds(minimum: number | undefined, maximum: number | undefined, unit = ''): string {
  if (minimum !== undefined && maximum !== undefined) return ` from ${minimum}${unit} to ${maximum}${unit}`;
  if (minimum !== undefined) return ` of at least ${minimum}${unit}`;
  if (maximum !== undefined) return ` of at most ${maximum}${unit}`;
  return '';
}

function numeric(minimum?: number, maximum?: number) {
  return { ...(minimum === undefined ? {} : { minimum }), ...(maximum === undefined ? {} : { maximum }) };
}

/** Builders of the kinds of settings sedano has. */
export const setting = {
  /** A value of a form of its own: `parse` reads it (undefined: not of the form `expected` describes). */
  custom<T, O extends SettingOptions<string>>(
    variable: string,
    form: { expected: string; parse: (text: string) => T | undefined },
    options: O,
  ) {
    return define<T, O>(variable, options, { ...form, schema: Type.Any() });
  },
  /** Free text, optionally matching `pattern`. */
  string<O extends SettingOptions<string> & { pattern?: string; expected?: string }>(variable: string, options: O) {
    return define<string, O>(variable, options, {
      expected: options.expected ?? (options.pattern === undefined ? 'text' : `text matching ${options.pattern}`),
      schema: Type.String({ minLength: 1, ...(options.pattern === undefined ? {} : { pattern: options.pattern }) }),
      parse: (text) => text,
    });
  },
  /** A whole number. */
  integer<O extends SettingOptions<number> & { minimum?: number; maximum?: number }>(variable: string, options: O) {
    return define<number, O>(variable, options, {
      expected: `a whole number${bounds(options.minimum, options.maximum)}`,
      schema: Type.Integer(numeric(options.minimum, options.maximum)),
      parse: (text) => (/^-?\d+$/.test(text) ? Number(text) : undefined),
    });
  },
  /** `true` or `false` (also `1`/`0`, `yes`/`no`). */
  boolean<O extends SettingOptions<boolean>>(variable: string, options: O) {
    return define<boolean, O>(variable, options, {
      expected: 'true or false',
      schema: Type.Boolean(),
      parse: (text) => ({ true: true, '1': true, yes: true, false: false, '0': false, no: false })[text.toLowerCase()],
    });
  },
  /** One of `values`. */
  oneOf<V extends string, O extends SettingOptions<V>>(variable: string, values: readonly V[], options: O) {
    return define<V, O>(variable, options, {
      expected: `one of ${values.join(', ')}`,
      schema: Type.Union(values.map((value) => Type.Literal(value))),
      parse: (text) => (values.includes(text as V) ? (text as V) : undefined),
    });
  },
  /** A duration such as `30s`, resolved to milliseconds; a bare number is in `bareUnit` (default ms). */
  duration<O extends SettingOptions<string> & { bareUnit?: DurationUnit; minimumMs?: number }>(
    variable: string,
    options: O,
  ) {
    const bareUnit = options.bareUnit ?? 'ms';
    return define<number, O>(variable, options, {
      expected: `a duration such as 30s, 5m or 1h (a bare number is in ${bareUnit})${bounds(options.minimumMs, undefined, ' ms')}`,
      schema: Type.Integer(numeric(options.minimumMs ?? 0)),
      parse: (text) => parseDurationMs(text, bareUnit),
    });
  },
  /** A size such as `64MiB`, resolved to bytes. */
  size<O extends SettingOptions<string> & { minimumBytes?: number }>(variable: string, options: O) {
    return define<number, O>(variable, options, {
      expected: `a size such as 512KiB, 64MiB or 1GB${bounds(options.minimumBytes, undefined, ' bytes')}`,
      schema: Type.Integer(numeric(options.minimumBytes ?? 0)),
      parse: parseSizeBytes,
    });
  },
  /** A URL. */
  url<O extends SettingOptions<string>>(variable: string, options: O) {
    return define<string, O>(variable, options, {
      expected: 'a URL such as http://host:port',
      schema: Type.String({ minLength: 1 }),
      parse: (text) => (URL.canParse(text) ? text.replace(/\/+$/, '') : undefined),
    });
  },
  /** A list separated by `separator` (default `,`), each item non-empty and matching `itemPattern`. */
  list<O extends SettingOptions<string> & { separator?: string; itemPattern?: string; itemExpected?: string }>(
    variable: string,
    options: O,
  ) {
    const separator = options.separator ?? ',';
    const item =
      options.itemExpected ?? (options.itemPattern === undefined ? 'items' : `items matching ${options.itemPattern}`);
    return define<readonly string[], O>(variable, options, {
      expected: `one or more ${item} separated by "${separator}"`,
      schema: Type.Array(Type.String(options.itemPattern === undefined ? {} : { pattern: options.itemPattern }), {
        minItems: 1,
      }),
      parse: (text) =>
        Object.freeze(
          text
            .split(separator)
            .map((part) => part.trim())
            .filter((part) => part !== ''),
        ),
    });
  },
};

/** Declares a service's settings (an identity function that keeps their types). */
export function defineSettings<S extends SettingsSpec>(spec: S): S {
  return spec;
}

/** How to reach Kafka: its brokers, and SASL and TLS for a secured cluster (kafka-security.ts). */
export const kafkaConnectionSettings = defineSettings({
  kafkaBrokers: setting.list('KAFKA_BROKERS', {
    description: 'Kafka bootstrap servers, comma-separated',
    default: LOCAL_ENDPOINTS.kafkaBrokers.join(','),
    itemPattern: '^[^\\s:]+:\\d+$',
    itemExpected: 'host:port',
  }),
  kafkaSaslMechanism: setting.oneOf('KAFKA_SASL_MECHANISM', SASL_MECHANISMS, {
    description:
      'SASL mechanism of a secured cluster (Confluent Cloud: `plain`; Amazon MSK, Aiven: `scram-sha-512`, `scram-sha-256`), with `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`; unset: no SASL',
  }),
  kafkaSaslUsername: setting.string('KAFKA_SASL_USERNAME', { description: 'SASL user name (an API key)' }),
  kafkaSaslPassword: setting.string('KAFKA_SASL_PASSWORD', {
    description: 'SASL password (an API secret); never logged',
    secret: true,
  }),
  kafkaTls: setting.boolean('KAFKA_TLS', {
    description: 'TLS to the brokers, checked against the system certificate authorities (managed clusters: `true`)',
    default: false,
  }),
  kafkaTlsCaFile: setting.string('KAFKA_TLS_CA_FILE', {
    description:
      "PEM file of the certificate authorities that signed the brokers' certificates, in place of the system ones; implies `KAFKA_TLS`",
  }),
});

/** The settings every service has: its infrastructure, its namespace, its log level and its name. */
export const baseSettings = defineSettings({
  ...kafkaConnectionSettings,
  schemaRegistryUrl: setting.url('SCHEMA_REGISTRY_URL', {
    description:
      "base URL of a Confluent-compatible registry API (Confluent's own: `http://host:8081`); one that asks for credentials takes them in it, `https://key:secret@host`, sent as HTTP Basic authorization and never logged",
    default: LOCAL_ENDPOINTS.schemaRegistryUrl,
  }),
  redisUrl: setting.url('REDIS_URL', {
    description:
      'Redis for the status view, revocations, rate limits, caches; a secured one takes TLS, a user and a password in it, `rediss://user:password@host:6380`, never logged',
    default: LOCAL_ENDPOINTS.redisUrl,
  }),
  otlpEndpoint: setting.url('OTEL_EXPORTER_OTLP_ENDPOINT', {
    description: 'OTLP/HTTP collector that traces are exported to',
    default: LOCAL_ENDPOINTS.otlpEndpoint,
  }),
  jaegerQueryUrl: setting.url('JAEGER_QUERY_URL', {
    description: 'Jaeger query API, used for trace links; set it with `OTEL_EXPORTER_OTLP_ENDPOINT`',
    default: LOCAL_ENDPOINTS.jaegerQueryUrl,
  }),
  namespace: setting.string('SEDANO_NAMESPACE', {
    description:
      'prefix of every topic, consumer group, schema subject and Redis key: deployments in different namespaces share Kafka and Redis without seeing each other',
    default: DEFAULT_NAMESPACE,
    pattern: NAMESPACE_PATTERN,
    expected: 'lower-case letters, digits, `-` and `_`, starting with a letter or digit, at most 40',
  }),
  logLevel: setting.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    description: 'pino log level of the services',
    default: 'info',
  }),
  workerId: setting.string('SEDANO_WORKER_ID', {
    description:
      "how a process names itself in status events, presence records and its groups; unique per live process (a process restarted with the same id takes its former self's group places at once)",
    defaultShown: '`<service>@<host>:<pid>`',
    pattern: '^[\\w.@:-]+$',
    expected: 'letters, digits and . _ @ : -',
  }),
  metricsPort: setting.integer('SEDANO_METRICS_PORT', {
    description:
      "port of the process's Prometheus endpoint (`GET /metrics`: jobs, lanes, threads, process); unset: none (the gateway's metrics are on its API port)",
    minimum: 0,
    maximum: 65_535,
  }),
});

export type BaseSettings = ResolvedSettings<typeof baseSettings>;

/**
 * A check across settings (one that needs another, …), run on what resolved: a setting that
 * had a problem of its own is undefined there, and named in `failed`.
 */
export type SettingsCheck<S extends SettingsSpec> = (
  settings: Partial<ResolvedSettings<S>>,
  failed: ReadonlySet<keyof S>,
) => SettingProblem[];

/**
 * Reads every setting of `spec` from `env`: blank counts as unset, defaults apply, each value is
 * parsed and checked against its schema, then `check` looks across them. Throws a SettingsError
 * listing every problem at once.
 */
export function resolveSettings<S extends SettingsSpec>(
  spec: S,
  env: Environment,
  check?: SettingsCheck<S>,
): ResolvedSettings<S> {
  const problems: SettingProblem[] = [];
  const resolved: Record<string, unknown> = {};
  const failed = new Set<keyof S>();
  for (const [property, declared] of Object.entries(spec)) {
    const given = env[declared.variable]?.trim();
    const text = given === undefined || given === '' ? declared.defaultText : given;
    const shown =
      given === undefined || given === ''
        ? '(unset)'
        : declared.secret
          ? '(hidden)'
          : JSON.stringify(redactText(given));
    if (text === undefined) {
      if (declared.required) {
        problems.push({ variable: declared.variable, expected: declared.expected, given: shown });
        failed.add(property);
      }
      resolved[property] = undefined;
      continue;
    }
    const value = declared.parse(text);
    if (value === undefined || !Value.Check(declared.schema, value)) {
      problems.push({ variable: declared.variable, expected: declared.expected, given: shown });
      failed.add(property);
      continue;
    }
    resolved[property] = value;
  }
  problems.push(...(check?.(resolved as Partial<ResolvedSettings<S>>, failed) ?? []));
  if (problems.length > 0) throw new SettingsError(problems);
  return Object.freeze(resolved) as ResolvedSettings<S>;
}

/** Rows of the README's configuration table for `specs` (each variable once, in first-seen order). */
export function settingsTableRows(specs: Readonly<Record<string, SettingsSpec>>): string[][] {
  const rows = new Map<string, { setting: Setting<unknown>; services: string[] }>();
  for (const [service, spec] of Object.entries(specs)) {
    for (const declared of Object.values(spec)) {
      const row = rows.get(declared.variable) ?? { setting: declared, services: [] };
      row.services.push(service);
      rows.set(declared.variable, row);
    }
  }
  const every = Object.keys(specs).length;
  return [...rows.values()].map(({ setting: declared, services }) => [
    `\`${declared.variable}\``,
    declared.defaultShown ??
      (declared.defaultText === undefined ? (declared.required ? 'required' : 'unset') : `\`${declared.defaultText}\``),
    services.length === every ? 'all' : services.join(', '),
    declared.description,
  ]);
}

/** The README's configuration table as markdown (prettier's table layout). */
export function settingsTableMarkdown(specs: Readonly<Record<string, SettingsSpec>>): string {
  const header = ['variable', 'default', 'services', 'meaning'];
  const rows = [header, ...settingsTableRows(specs)];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.slice(1).map(line)].join(
    '\n',
  );
}
