/**
 * The schema registry client (@kafkajs/confluent-schema-registry), speaking the Confluent
 * REST API to Confluent Schema Registry or to Apicurio's Confluent-compatible API.
 *
 * A registry that asks for credentials (Confluent Cloud's API key and secret) takes them in its
 * URL, `https://key:secret@host`, as Confluent's own clients do with
 * `basic.auth.credentials.source=URL`: every call here sends them as HTTP Basic authorization
 * and none sends them in the URL (fetch refuses such a URL, and a URL gets logged). So
 * `SCHEMA_REGISTRY_URL` is the one setting, whatever reads it.
 */
import confluentSchemaRegistry from '@kafkajs/confluent-schema-registry';
import type { SchemaRegistry as SchemaRegistryClient } from '@kafkajs/confluent-schema-registry';
import { setTimeout } from 'node:timers/promises';
import { SedanoError } from './errors.ts';

// The package is CommonJS; its classes and enums are read from the default export.
const { SchemaRegistry, SchemaType, COMPATIBILITY } = confluentSchemaRegistry;

export type SchemaRegistry = SchemaRegistryClient;

import type { CompatibilityLevel } from '../../topology/contracts.ts';

export type { CompatibilityLevel };

// The client's HTTP layer (mappersmith) as its constructor types it.
type ClientArgs = ConstructorParameters<typeof SchemaRegistry>[0];
type HttpMiddleware = NonNullable<ClientArgs['middlewares']>[number];
type RetryDecision = NonNullable<NonNullable<ClientArgs['retry']>['validateRetry']>;

/**
 * How long one registry call may go without an answer before it is given up and tried again.
 * Without it a call the registry took and never answered would wait forever, and so would
 * everything that needs that schema (the codec shares one pending lookup per schema).
 */
const REGISTRY_REQUEST_TIMEOUT_MS = 10_000;

/** A 5xx or a call that timed out (the client reports it as status 400 with a TimeoutError). */
const retriedAnswer: RetryDecision = (response) =>
  response.status() >= 500 || response.error()?.name === 'TimeoutError';

/**
 * How registry calls are retried: on a 5xx, on a dropped connection (ECONNRESET "socket hang
 * up", ECONNREFUSED...) and on a call that timed out, with exponential backoff (about 11 s of
 * waits in all, on top of the calls). The client's default retries GETs only, but every call
 * sedano makes is idempotent (a lookup, a config put, registering a schema that answers the
 * same id again), and a registry that drops a connection under load (seen from Apicurio during
 * a CI run) must not fail a service's start or a test set-up.
 */
export const REGISTRY_RETRY = {
  retries: 6,
  initialRetryTimeInSecs: 0.2,
  maxRetryTimeInSecs: 5,
  enableRetry: () => true,
  validateRetry: retriedAnswer,
} as const;

/**
 * Gives every call of the client a timeout (mappersmith's per-request `timeout`). Written here
 * rather than taken from mappersmith/middleware/timeout, whose ESM typings do not match the
 * CommonJS ones the registry client is typed with.
 */
function timeoutMiddleware(timeoutMs: number): HttpMiddleware {
  return () => ({ prepareRequest: (next) => next().then((request) => request.enhance({ timeout: timeoutMs })) });
}

/** A registry URL's user name and password, if it has some, and the URL without them (pure). */
export function registryAccess(url: string): {
  url: string;
  auth: { username: string; password: string } | undefined;
} {
  const userinfo = /^([a-z][a-z\d+.-]*:\/\/)([^@/?#]*)@/i.exec(url);
  if (userinfo === null) return { url, auth: undefined };
  const [whole, scheme, credentials] = userinfo as unknown as [string, string, string];
  const colon = credentials.indexOf(':');
  const [username, password] =
    colon < 0 ? [credentials, ''] : [credentials.slice(0, colon), credentials.slice(colon + 1)];
  return {
    url: `${scheme}${url.slice(whole.length)}`,
    auth: { username: decodeURIComponent(username), password: decodeURIComponent(password) },
  };
}

/** fetch for a registry URL: its credentials, if it has some, sent as Basic authorization, never in the URL. */
export function registryFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const access = registryAccess(url);
  if (access.auth === undefined) return fetch(url, init);
  const basic = Buffer.from(`${access.auth.username}:${access.auth.password}`).toString('base64');
  return fetch(access.url, { ...init, headers: { ...init.headers, Authorization: `Basic ${basic}` } });
}

export interface SchemaRegistryOptions {
  /** Default REGISTRY_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Default REGISTRY_RETRY.retries. */
  retries?: number;
}

/** A client for the registry at `url` (e.g. http://127.0.0.1:8081/apis/ccompat/v7, or with `key:secret@`). */
export function createSchemaRegistry(url: string, options: SchemaRegistryOptions = {}): SchemaRegistry {
  const { requestTimeoutMs = REGISTRY_REQUEST_TIMEOUT_MS, retries = REGISTRY_RETRY.retries } = options;
  const access = registryAccess(url);
  return new SchemaRegistry({
    host: access.url,
    ...(access.auth === undefined ? {} : { auth: access.auth }),
    retry: { ...REGISTRY_RETRY, retries },
    middlewares: [timeoutMiddleware(requestTimeoutMs)],
  });
}

/**
 * Registers an Avro schema (JSON text) under `subject` and returns its id. A subject
 * registered for the first time gets `compatibility` (default BACKWARD); an existing
 * subject must already have it, or the client refuses to register.
 */
export async function registerAvroSchema(
  registry: SchemaRegistry,
  subject: string,
  schema: string,
  compatibility: CompatibilityLevel = 'BACKWARD',
): Promise<number> {
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema },
    { subject, compatibility: COMPATIBILITY[compatibility] },
  );
  return id;
}

/**
 * One call of the registry's REST API, bounded by REGISTRY_REQUEST_TIMEOUT_MS and retried like
 * the client's calls (REGISTRY_RETRY), for what the client has no method for.
 */
export async function registryRequest(url: string, init?: RequestInit): Promise<Response> {
  let delayMs = REGISTRY_RETRY.initialRetryTimeInSecs * 1000;
  for (let attempt = 0; ; attempt += 1) {
    const last = attempt === REGISTRY_RETRY.retries;
    try {
      const response = await registryFetch(url, {
        ...init,
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json', ...init?.headers },
        signal: AbortSignal.timeout(REGISTRY_REQUEST_TIMEOUT_MS),
      });
      if (response.status < 500 || last) return response;
      await response.body?.cancel();
    } catch (error) {
      // fetch rejects only when no answer came (refused, reset, timed out).
      if (last) throw error;
    }
    await setTimeout(delayMs);
    delayMs = Math.min(delayMs * 2, REGISTRY_RETRY.maxRetryTimeInSecs * 1000);
  }
}

/** Deletes `subject` and its schemas for good (soft, then permanently, as the Confluent API asks); a missing one is no error. */
export async function deleteSubject(registryUrl: string, subject: string): Promise<void> {
  const url = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
  await registryRequest(url, { method: 'DELETE' });
  await registryRequest(`${url}?permanent=true`, { method: 'DELETE' });
}

/** The compatibility level set on `subject`, or undefined when the subject has none or does not exist. */
export async function getSubjectCompatibility(
  registryUrl: string,
  subject: string,
): Promise<CompatibilityLevel | undefined> {
  const response = await registryRequest(`${registryUrl}/config/${encodeURIComponent(subject)}`);
  if (response.status === 404) return undefined;
  if (!response.ok) {
    const answer = `${response.status} ${await response.text()}`;
    throw new SedanoError('SEDANO_ERR_REGISTRY_UNAVAILABLE', `GET /config/${subject}: ${answer}`);
  }
  const body = (await response.json()) as { compatibilityLevel?: string; compatibility?: string };
  return (body.compatibilityLevel ?? body.compatibility) as CompatibilityLevel | undefined;
}

/** Sets the compatibility level of `subject`. */
export async function setSubjectCompatibility(
  registryUrl: string,
  subject: string,
  level: CompatibilityLevel,
): Promise<void> {
  const response = await registryRequest(`${registryUrl}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT',
    body: JSON.stringify({ compatibility: level }),
  });
  if (!response.ok) {
    const answer = `${response.status} ${await response.text()}`;
    throw new SedanoError('SEDANO_ERR_REGISTRY_UNAVAILABLE', `PUT /config/${subject}: ${answer}`);
  }
}

/** The id of `schema` under `subject` if that exact schema is registered there, else undefined. */
export async function findSchemaId(
  registry: SchemaRegistry,
  subject: string,
  schema: string,
): Promise<number | undefined> {
  try {
    return await registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema });
  } catch (error) {
    // The client turns this lookup's 404 (subject or schema not registered) into this error.
    if ((error as Error).name === 'ConfluentSchemaRegistryError') return undefined;
    throw error;
  }
}
