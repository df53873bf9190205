/**
 * Where sedano finds its infrastructure.
 *
 * Every endpoint comes from one environment variable. When a variable is unset, the
 * endpoint is the local stack's (scripts/stack), and the local stack starts that
 * component; when it is set, the local stack leaves that component alone.
 */

/** Components of the infrastructure, by the name scripts/stack uses for them. */
export type ComponentName = 'kafka' | 'schema-registry' | 'redis' | 'jaeger';

/** The environment variable that points each component at an external instance. */
export const ENDPOINT_VARIABLES = {
  kafka: 'KAFKA_BROKERS',
  'schema-registry': 'SCHEMA_REGISTRY_URL',
  redis: 'REDIS_URL',
  jaeger: 'OTEL_EXPORTER_OTLP_ENDPOINT',
} as const satisfies Record<ComponentName, string>;

/** Ports the local stack listens on, all bound to 127.0.0.1. */
export const LOCAL_PORTS = {
  kafka: 9092,
  kafkaController: 9093,
  /** The broker's second listener, SASL PLAIN over TLS (scripts/local-stack/kafka.ts). */
  kafkaSecured: 9094,
  schemaRegistry: 8081,
  schemaRegistryManagement: 9081,
  redis: 6379,
  /** Redis's second port, TLS with a user and password (scripts/local-stack/redis.ts). */
  redisSecured: 6380,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  jaegerQuery: 16686,
  jaegerQueryGrpc: 16685,
  jaegerHealth: 13133,
} as const;

export interface Endpoints {
  /** Kafka bootstrap servers (`KAFKA_BROKERS`, comma-separated host:port). */
  kafkaBrokers: string[];
  /** Base URL of a Confluent-compatible schema registry API (`SCHEMA_REGISTRY_URL`). */
  schemaRegistryUrl: string;
  /** Redis connection URL (`REDIS_URL`). */
  redisUrl: string;
  /** OTLP/HTTP base URL that traces are exported to (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  otlpEndpoint: string;
  /** Jaeger query API base URL (`JAEGER_QUERY_URL`), used to find traces and link to them. */
  jaegerQueryUrl: string;
  /** Qdrant URL (`QDRANT_URL`); unset means the embedded vector store. */
  qdrantUrl: string | undefined;
}

const LOCAL_HOST = '127.0.0.1';

/** The endpoints of the local stack, as scripts/stack starts it. */
export const LOCAL_ENDPOINTS: Endpoints = {
  kafkaBrokers: [`${LOCAL_HOST}:${LOCAL_PORTS.kafka}`],
  // Apicurio Registry serves the Confluent API under this path.
  schemaRegistryUrl: `http://${LOCAL_HOST}:${LOCAL_PORTS.schemaRegistry}/apis/ccompat/v7`,
  redisUrl: `redis://${LOCAL_HOST}:${LOCAL_PORTS.redis}`,
  otlpEndpoint: `http://${LOCAL_HOST}:${LOCAL_PORTS.otlpHttp}`,
  jaegerQueryUrl: `http://${LOCAL_HOST}:${LOCAL_PORTS.jaegerQuery}`,
  qdrantUrl: undefined,
};

type Environment = Readonly<Record<string, string | undefined>>;

function given(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Reads every endpoint from the environment, falling back to the local stack's. */
export function resolveEndpoints(env: Environment): Endpoints {
  const brokers = given(env, ENDPOINT_VARIABLES.kafka);
  return {
    kafkaBrokers: brokers ? brokers.split(',').map((broker) => broker.trim()) : LOCAL_ENDPOINTS.kafkaBrokers,
    schemaRegistryUrl: given(env, ENDPOINT_VARIABLES['schema-registry']) ?? LOCAL_ENDPOINTS.schemaRegistryUrl,
    redisUrl: given(env, ENDPOINT_VARIABLES.redis) ?? LOCAL_ENDPOINTS.redisUrl,
    otlpEndpoint: given(env, ENDPOINT_VARIABLES.jaeger) ?? LOCAL_ENDPOINTS.otlpEndpoint,
    jaegerQueryUrl: given(env, 'JAEGER_QUERY_URL') ?? LOCAL_ENDPOINTS.jaegerQueryUrl,
    qdrantUrl: given(env, 'QDRANT_URL'),
  };
}

/** Components that the environment points elsewhere, so the local stack must not start them. */
export function externalComponents(env: Environment): Set<ComponentName> {
  const names = Object.keys(ENDPOINT_VARIABLES) as ComponentName[];
  return new Set(names.filter((name) => given(env, ENDPOINT_VARIABLES[name]) !== undefined));
}
