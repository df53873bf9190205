/**
 * The codec every producer and consumer of sedano uses: Avro records in Confluent wire
 * format, through the schema registry.
 *
 * - encode: validates the record against its contract first (an invalid record never
 *   reaches Kafka; the error names every bad field), then frames it with the subject's
 *   schema id (registered on first use, cached).
 * - toMessage / fromMessage: the same, with the W3C trace context carried in Kafka headers.
 * - decode: resolves the writer's schema (fetched by id, cached) against the reader's
 *   contract, so records written with an older or newer compatible schema read fine; every
 *   way a message can be bad is a PoisonMessageError with its own code, while an outage of
 *   the registry is a retriable error, never a poison message. A schema id the registry does
 *   not know is asked for again before the message is called poison (REGISTRY_CONFIRM_MS).
 */
import type { Context } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import avro from 'avsc';
import { LRUCache } from 'lru-cache';
import { type Contract, schemaText } from '../../schemas/contract.ts';
import { LOGICAL_TYPES } from '../../schemas/logical-types.ts';
import { type ErrorCode, SedanoError } from './errors.ts';
import type { IncomingMessage, OutgoingMessage } from './kafka.ts';
import type { SubjectBinding } from '../../topology/contracts.ts';
import { LARGEST_MESSAGE_BYTES } from '../../topology/topics.ts';
import { registerAvroSchema, type SchemaRegistry } from './schema-registry.ts';
import { contextFromHeaders, traceHeaders } from './telemetry.ts';
import { explainAvroBody } from './avro-body-check.ts';
import { type ReadPlan, readPlan, unknownSymbols } from './enum-resolution.ts';
import { frameAvro, parseWireFormat, type WireFrame } from './wire-format.ts';
import { problemLine, validationDetails, validationProblems } from './record-validation.ts';

export type { Contract };

export type { SubjectBinding };

/** A message that can never be processed: it goes to the dead-letter topic. */
export class PoisonMessageError extends SedanoError {
  constructor(code: ErrorCode, message: string, cause?: unknown) {
    super(code, message, { retriable: false, cause });
    this.name = 'PoisonMessageError';
  }
}

export interface Decoded<T> {
  record: T;
  /** The id of the schema the producer wrote with. */
  schemaId: number;
}

/**
 * How long the registry must keep giving an answer that a registry still loading its schemas
 * gives too, before the answer counts: 404 for a schema id (the message is poison) or 409 for a
 * registration (the schema is incompatible). Apicurio serves its API before it has loaded its
 * journal: restarted here, it listened 7 s before "KafkaSQL storage bootstrapped in 9693 ms",
 * and meanwhile answered 404 for ids it held and 409 "An artifact ... already exists" for
 * subjects it held (a status projector, then a worker, dead-lettered real records, and a
 * worker's STARTED failed after its handler ran: registry-outage.test.ts). A registry replica
 * behind the one that gave an id out answers 404 too. The caller waits for the verdict, inside
 * a consumer's 6 s session for most consumers, so it is short unless the registry has just
 * failed (REGISTRY_RECOVERY_CONFIRM_MS).
 */
export const REGISTRY_CONFIRM_MS = 3_000;

/**
 * The same, within REGISTRY_RECOVERY_MS of a failed call (refused, timed out, 5xx): a registry
 * that has just come back may still be loading. Longer than a consumer's session: a consumer
 * that loses its partitions for it reads the message again, and a lost job is worse.
 */
export const REGISTRY_RECOVERY_CONFIRM_MS = 60_000;
const REGISTRY_RECOVERY_MS = 5 * 60_000;

/**
 * How long an id found unknown stays so without being asked for again: the messages of an
 * upstream that writes a bad id are dead-lettered at once rather than each after the wait.
 */
const UNKNOWN_SCHEMA_VERDICT_MS = 60_000;
/** The most ids remembered as unknown (an upstream writing random ids); the oldest is dropped first. */
const MAX_UNKNOWN_SCHEMA_IDS = 10_000;

export interface CodecOptions {
  registry: SchemaRegistry;
  /** Largest message `decode` accepts, in bytes (default LARGEST_MESSAGE_BYTES: the status topic's 8 MiB). */
  maxMessageBytes?: number;
  /** Default REGISTRY_CONFIRM_MS. */
  registryConfirmMs?: number;
  /** Default REGISTRY_RECOVERY_CONFIRM_MS. */
  registryRecoveryConfirmMs?: number;
}

export interface Codec {
  encode<T>(binding: SubjectBinding<T>, record: T): Promise<Buffer>;
  decode<T>(contract: Contract<T>, value: Buffer | null): Promise<Decoded<T>>;
  /** A message to produce: the encoded record, its key, and the active trace context (W3C) as headers. */
  toMessage<T>(binding: SubjectBinding<T>, key: string, record: T): Promise<OutgoingMessage>;
  /** The decoded record of a consumed message and the trace context its headers carry. */
  fromMessage<T>(contract: Contract<T>, message: IncomingMessage): Promise<Decoded<T> & { traceContext: Context }>;
  /** Resolves once `binding`'s schema id is known (registered on first use), so encoding it needs no registry. */
  prepare(binding: SubjectBinding<unknown>): Promise<void>;
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * `ask`'s answer, asked again while it fails with `doubtfulStatus` (an answer a registry still
 * loading gives too), for up to `confirmMs`; then that failure. Any other failure ends it at once.
 */
async function askUntilSure<T>(ask: () => Promise<T>, doubtfulStatus: number, confirmMs: number): Promise<T> {
  const giveUpAt = performance.now() + confirmMs;
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 1_000)) {
    try {
      return await ask();
    } catch (error) {
      if (httpStatus(error) !== doubtfulStatus || performance.now() + delayMs > giveUpAt) throw error;
    }
    await sleep(delayMs);
  }
}

export function createCodec(options: CodecOptions): Codec {
  const { registry, maxMessageBytes = LARGEST_MESSAGE_BYTES } = options;
  const { registryConfirmMs = REGISTRY_CONFIRM_MS, registryRecoveryConfirmMs = REGISTRY_RECOVERY_CONFIRM_MS } = options;
  let registryFailedAt = -Infinity;
  const failed = (error: unknown): unknown => ((registryFailedAt = performance.now()), error);
  const confirmMs = () =>
    performance.now() - registryFailedAt < REGISTRY_RECOVERY_MS ? registryRecoveryConfirmMs : registryConfirmMs;
  // By contract, then subject: a process may write two versions of a record to one subject.
  const schemaIds = new WeakMap<Contract<unknown>, Map<string, Promise<number>>>();
  const writerTypes = new Map<number, Promise<avro.Type>>();
  // The same, once known: a record of a known schema is framed or read without awaiting a
  // settled promise (each await costs a promise and a turn, six times a no-op job, issue 12).
  const knownSchemaIds = new WeakMap<Contract<unknown>, Map<string, number>>();
  const knownWriterTypes = new Map<number, avro.Type>();
  const plans = new Map<string, ReadPlan>();
  // Ids the registry kept answering 404 for, with when (the least recently found forgotten first).
  const unknownIds = new LRUCache<number, number>({ max: MAX_UNKNOWN_SCHEMA_IDS });

  function schemaIdFor(binding: SubjectBinding<unknown>): Promise<number> {
    let bySubject = schemaIds.get(binding.contract);
    if (!bySubject) schemaIds.set(binding.contract, (bySubject = new Map<string, Promise<number>>()));
    const ids = bySubject;
    let id = ids.get(binding.subject);
    if (!id) {
      const schema = schemaText(binding.contract);
      const register = () => registerAvroSchema(registry, binding.subject, schema, binding.compatibility);
      id = askUntilSure(register, 409, confirmMs()).then(
        (registered) => {
          let known = knownSchemaIds.get(binding.contract);
          if (!known) knownSchemaIds.set(binding.contract, (known = new Map<string, number>()));
          known.set(binding.subject, registered);
          return registered;
        },
        (error: unknown) => {
          ids.delete(binding.subject);
          throw httpStatus(error) === 409
            ? new SedanoError(
                'SEDANO_ERR_REGISTRY_INCOMPATIBLE',
                `${binding.contract.name} is not ${binding.compatibility}-compatible with ${binding.subject}: ${(error as Error).message}`,
                { cause: error },
              )
            : new SedanoError(
                'SEDANO_ERR_REGISTRY_UNAVAILABLE',
                `registering ${binding.subject}: ${(error as Error).message}`,
                { retriable: true, cause: failed(error) },
              );
        },
      );
      ids.set(binding.subject, id);
    }
    return id;
  }

  function writerType(schemaId: number): Promise<avro.Type> {
    let type = writerTypes.get(schemaId);
    if (!type) {
      const foundUnknownAt = unknownIds.peek(schemaId);
      if (foundUnknownAt !== undefined && performance.now() - foundUnknownAt < UNKNOWN_SCHEMA_VERDICT_MS) {
        return Promise.reject(unknownSchema(schemaId, `within the last ${UNKNOWN_SCHEMA_VERDICT_MS} ms`));
      }
      const waitMs = confirmMs();
      type = askUntilSure(() => registry.getSchema(schemaId), 404, waitMs).then(
        // exportAttrs keeps logicalType (and docs), which schema() drops by default.
        (schema) => {
          const type = avro.Type.forSchema((schema as avro.Type).schema({ exportAttrs: true }), {
            logicalTypes: LOGICAL_TYPES,
          });
          knownWriterTypes.set(schemaId, type);
          unknownIds.delete(schemaId);
          return type;
        },
        (error: unknown) => {
          writerTypes.delete(schemaId);
          if (httpStatus(error) === 404) {
            unknownIds.set(schemaId, performance.now());
            throw unknownSchema(schemaId, `for ${waitMs} ms`, error);
          }
          throw new SedanoError(
            'SEDANO_ERR_REGISTRY_UNAVAILABLE',
            `fetching schema id ${schemaId}: ${(error as Error).message}`,
            { retriable: true, cause: failed(error) },
          );
        },
      );
      writerTypes.set(schemaId, type);
    }
    return type;
  }

  function unknownSchema(schemaId: number, howLong: string, cause?: unknown): PoisonMessageError {
    const reason = `schema id ${schemaId} is not in the registry (it answered 404 ${howLong})`;
    return new PoisonMessageError('SEDANO_ERR_CODEC_UNKNOWN_SCHEMA', reason, cause);
  }

  function planFor(contract: Contract<unknown>, schemaId: number, writer: avro.Type): ReadPlan {
    const key = `${contract.name}@${schemaId}`;
    let plan = plans.get(key);
    if (!plan) {
      const aliases = (contract.type as avro.types.RecordType).aliases ?? [];
      if (writer.name !== contract.name && !aliases.includes(writer.name ?? '')) {
        throw new PoisonMessageError(
          'SEDANO_ERR_CODEC_WRONG_SCHEMA',
          `written as ${writer.name ?? writer.typeName} (schema id ${schemaId}), expected ${contract.name}`,
        );
      }
      try {
        plan = readPlan(contract.type, writer, LOGICAL_TYPES);
      } catch (error) {
        throw new PoisonMessageError(
          'SEDANO_ERR_CODEC_WRONG_SCHEMA',
          `${contract.name} cannot read schema id ${schemaId}: ${(error as Error).message}`,
          error,
        );
      }
      plans.set(key, plan);
    }
    return plan;
  }

  /**
   * The framed record when its schema id is known, undefined before (the registry must be
   * asked); throws for a record its contract refuses.
   */
  function encodeNow<T>(binding: SubjectBinding<T>, record: T): Buffer | undefined {
    const details = validationDetails(binding.contract, record);
    if (details.length > 0) {
      const problems = details.map(problemLine);
      throw new SedanoError(
        'SEDANO_ERR_CODEC_INVALID_RECORD',
        `invalid ${binding.contract.name}: ${problems.join('; ')}`,
        {
          // As the API's validation details name fields: a JSON pointer into the record.
          details: details.map(({ path, message }) => ({
            in: 'record',
            path: `/${path.replace(/\./g, '/')}`,
            message,
          })),
        },
      );
    }
    const schemaId = knownSchemaIds.get(binding.contract)?.get(binding.subject);
    return schemaId === undefined ? undefined : frameAvro(schemaId, binding.contract.type, record);
  }

  /**
   * `use` of the framed record, promised. Not an async function: a record of a known schema
   * settles in one promise, where async frames awaiting each other cost three or four promises
   * and two turns (three encodes a no-op job, issue 12).
   */
  function framedSoon<T, R>(binding: SubjectBinding<T>, record: T, use: (framed: Buffer) => R): Promise<R> {
    let framed: Buffer | undefined;
    try {
      framed = encodeNow(binding, record);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (framed !== undefined) return Promise.resolve(use(framed));
    return schemaIdFor(binding).then((schemaId) => use(frameAvro(schemaId, binding.contract.type, record)));
  }

  /** `value`'s frame; throws a PoisonMessageError for a value empty, too large or not framed. */
  function frameOf(value: Buffer | null): WireFrame {
    if (value === null || value.length === 0) {
      throw new PoisonMessageError('SEDANO_ERR_CODEC_NOT_FRAMED', 'the message has no value');
    }
    if (value.length > maxMessageBytes) {
      throw new PoisonMessageError(
        'SEDANO_ERR_CODEC_OVERSIZE',
        `the message has ${value.length} bytes, more than the ${maxMessageBytes} this consumer accepts`,
      );
    }
    try {
      return parseWireFormat(value);
    } catch (error) {
      throw new PoisonMessageError('SEDANO_ERR_CODEC_NOT_FRAMED', (error as Error).message, error);
    }
  }

  /** `frame`'s record as `contract`, written with `writer`; throws a PoisonMessageError for one it cannot be. */
  function readRecord<T>(contract: Contract<T>, frame: WireFrame, writer: avro.Type): Decoded<T> {
    const plan = planFor(contract, frame.schemaId, writer);
    let record: unknown;
    try {
      record = plan.reader.fromBuffer(frame.body, plan.resolver);
    } catch (error) {
      // avsc's messages say little ("truncated buffer", a RangeError about NaN): walk the body to say what is wrong.
      const problem = explainAvroBody(writer, frame.body) ?? {
        code: 'SEDANO_ERR_CODEC_CORRUPT' as const,
        reason: `it does not resolve to ${contract.name} (${(error as Error).message})`,
      };
      throw new PoisonMessageError(problem.code, `the ${contract.name} body does not decode: ${problem.reason}`, error);
    }
    if (plan.lenient) {
      const unknown = unknownSymbols(contract.type, record);
      if (unknown.length > 0) {
        throw new PoisonMessageError(
          'SEDANO_ERR_CODEC_UNKNOWN_SYMBOL',
          `${contract.name} (schema id ${frame.schemaId}): ${unknown.join('; ')}`,
        );
      }
    }
    const problems = validationProblems(contract, record);
    if (problems.length > 0) {
      throw new PoisonMessageError(
        'SEDANO_ERR_CODEC_INVALID_RECORD',
        `decoded ${contract.name} is invalid: ${problems.join('; ')}`,
      );
    }
    return { record: record as T, schemaId: frame.schemaId };
  }

  /** `use` of the decoded record, promised; as framedSoon, one promise when the writer's schema is known. */
  function decodedSoon<T, R>(contract: Contract<T>, value: Buffer | null, use: (decoded: Decoded<T>) => R): Promise<R> {
    try {
      const frame = frameOf(value);
      const writer = knownWriterTypes.get(frame.schemaId);
      if (writer !== undefined) return Promise.resolve(use(readRecord(contract, frame, writer)));
      return writerType(frame.schemaId).then((found) => use(readRecord(contract, frame, found)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  const codec: Codec = {
    encode: (binding, record) => framedSoon(binding, record, (framed) => framed),

    decode: (contract, value) => decodedSoon(contract, value, (decoded) => decoded),

    toMessage(binding, key, record) {
      const headers = traceHeaders();
      return framedSoon(binding, record, (value) => ({ key, value, headers }));
    },

    fromMessage: (contract, message) =>
      decodedSoon(contract, message.value, (decoded) => ({
        ...decoded,
        traceContext: contextFromHeaders(message.headers),
      })),

    async prepare(binding) {
      if (knownSchemaIds.get(binding.contract)?.get(binding.subject) === undefined) await schemaIdFor(binding);
    },
  };
  return codec;
}
