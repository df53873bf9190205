/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked structurally:
 * Debian's docker-compose validates it, and these tests keep it in step with topology/,
 * the endpoints and the local stack's versions.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ENDPOINT_VARIABLES } from '../../services/lib/endpoints.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  logging?: { driver: string; options?: Record<string, string> };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const sedanoServices = Object.entries(services).filter(([, service]) => service.build !== undefined);

test('docker-compose config accepts the file', () => {
  const result = spawnSync('docker-compose', ['-f', new URL('docker-compose.yml', root).pathname, 'config', '-q'], {
    encoding: 'utf8',
  });
  assert.equal(result.error, undefined, 'docker-compose is installed (scripts/test installs it with apt-get)');
  assert.equal(result.status, 0, result.stderr);
});

test('the infrastructure of DESIGN.md section 6 is there', () => {
  for (const name of ['kafka', 'schema-registry', 'redis', 'qdrant', 'jaeger']) assert.ok(services[name]?.image, name);
  assert.match(services['kafka']?.image ?? '', /^apache\/kafka:/);
  assert.match(services['schema-registry']?.image ?? '', /^confluentinc\/cp-schema-registry:/);
  assert.equal(services['kafka']?.environment?.['KAFKA_PROCESS_ROLES'], 'broker,controller', 'KRaft');
});

test('Kafka and Jaeger have the versions the local stack runs', () => {
  const kafkaVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(read('scripts/local-stack/kafka/pom.xml'))?.[1];
  assert.equal(services['kafka']?.image, `apache/kafka:${kafkaVersion}`);
  // The local build pins Jaeger's v1.76.0 module tag, which is the commit of the v2.13.0 release.
  assert.match(read('scripts/local-stack/jaeger/go.mod'), /github\.com\/jaegertracing\/jaeger v1\.76\.0/);
  assert.equal(services['jaeger']?.image, 'jaegertracing/jaeger:2.13.0');
});

test('every sedano service is the same image with its own command, pointed at every component', () => {
  assert.ok(sedanoServices.length >= 2, 'topology and at least one service');
  const images = new Set(sedanoServices.map(([, service]) => service.image));
  assert.equal(images.size, 1, 'one image for all services');
  for (const [name, service] of sedanoServices) {
    const entry = service.command?.find((part) => part.endsWith('.ts'));
    assert.ok(entry && existsSync(new URL(entry, root)), `${name} runs an existing entry point (${entry})`);
    for (const variable of [...Object.values(ENDPOINT_VARIABLES), 'QDRANT_URL', 'JAEGER_QUERY_URL']) {
      assert.ok(service.environment?.[variable], `${name} sets ${variable}`);
    }
  }
});

test('services start after the topology is applied', () => {
  for (const [name, service] of sedanoServices) {
    if (name === 'topology') continue;
    assert.equal(service.depends_on?.['topology']?.condition, 'service_completed_successfully', name);
  }
  assert.deepEqual(services['topology']?.command, ['node', 'scripts/topology.ts', 'apply']);
});

test('every container rolls its log over, as the local stack rolls the broker and services logs', () => {
  for (const [name, service] of Object.entries(services)) {
    assert.deepEqual(service.logging, { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } }, name);
  }
});
