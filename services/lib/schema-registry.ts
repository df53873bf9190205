/**
 * The schema registry client (@kafkajs/confluent-schema-registry), speaking the Confluent
 * REST API to Confluent Schema Registry or to Apicurio's Confluent-compatible API.
 */
import confluentSchemaRegistry from '@kafkajs/confluent-schema-registry';
import type { SchemaRegistry as SchemaRegistryClient } from '@kafkajs/confluent-schema-registry';
import { SedanoError } from './errors.ts';

// The package is CommonJS; its classes and enums are read from the default export.
const { SchemaRegistry, SchemaType, COMPATIBILITY } = confluentSchemaRegistry;

export type SchemaRegistry = SchemaRegistryClient;

import type { CompatibilityLevel } from '../../topology/contracts.ts';

export type { CompatibilityLevel };

/** A client for the registry at `url` (e.g. http://127.0.0.1:8081/apis/ccompat/v7). */
export function createSchemaRegistry(url: string): SchemaRegistry {
  return new SchemaRegistry({ host: url });
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

async function registryRequest(url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json', ...init?.headers },
    signal: AbortSignal.timeout(10_000),
  });
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
