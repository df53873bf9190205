/**
 * The schema registry client (@kafkajs/confluent-schema-registry), speaking the Confluent
 * REST API to Confluent Schema Registry or to Apicurio's Confluent-compatible API.
 */
import confluentSchemaRegistry from '@kafkajs/confluent-schema-registry';
import type { SchemaRegistry as SchemaRegistryClient } from '@kafkajs/confluent-schema-registry';

// The package is CommonJS; its classes and enums are read from the default export.
const { SchemaRegistry, SchemaType, COMPATIBILITY } = confluentSchemaRegistry;

export type SchemaRegistry = SchemaRegistryClient;

/** Compatibility levels of the Confluent API. */
export type CompatibilityLevel = `${(typeof COMPATIBILITY)[keyof typeof COMPATIBILITY]}`;

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
