import assert from 'node:assert/strict';
import { test } from 'node:test';
import { externalComponents, LOCAL_ENDPOINTS, resolveEndpoints } from '../../../../services/lib/endpoints.ts';

test('unset or blank variables fall back to the local stack', () => {
  assert.deepEqual(resolveEndpoints({}), LOCAL_ENDPOINTS);
  assert.deepEqual(resolveEndpoints({ KAFKA_BROKERS: '  ', REDIS_URL: '' }), LOCAL_ENDPOINTS);
  assert.deepEqual(externalComponents({ KAFKA_BROKERS: ' ' }), new Set());
});

test('given variables win and mark their component external', () => {
  const env = {
    KAFKA_BROKERS: 'a:9092, b:9092',
    SCHEMA_REGISTRY_URL: 'http://registry:8081',
    REDIS_URL: 'redis://cache:6379',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    QDRANT_URL: 'http://qdrant:6333',
  };
  const endpoints = resolveEndpoints(env);
  assert.deepEqual(endpoints.kafkaBrokers, ['a:9092', 'b:9092']);
  assert.equal(endpoints.schemaRegistryUrl, 'http://registry:8081');
  assert.equal(endpoints.redisUrl, 'redis://cache:6379');
  assert.equal(endpoints.otlpEndpoint, 'http://collector:4318');
  assert.equal(endpoints.qdrantUrl, 'http://qdrant:6333');
  assert.deepEqual(externalComponents(env), new Set(['kafka', 'schema-registry', 'redis', 'jaeger']));
});
