/**
 * A consumer kafkajs crashes and will not restart (here: a session timeout the broker refuses,
 * an error it deems not retriable) is reported, and a service on the kit ends with exit code 1
 * instead of living on without consuming.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { createKafkaClient } from '../../../../services/lib/kafka.ts';
import { kafkaConnection } from '../../../../services/lib/kafka-connection.ts';
import { createTestTopic, endpoints, kafkaAdmin, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';

test('a consumer that stopped for good is reported with its error and group', async (t) => {
  const admin = await kafkaAdmin(t);
  const topic = await createTestTopic(t, admin, { prefix: 'consumer-stopped' });
  const stopped: { error: Error; groupId: string }[] = [];
  const kafka = createKafkaClient({
    ...kafkaConnection(process.env),
    clientId: uniqueName('sedano-test'),
    log: () => {},
    onConsumerStopped: (error, groupId) => stopped.push({ error, groupId }),
  });
  const groupId = uniqueName('consumer-stopped-group');
  const consumer = await kafka.consumer(groupId, { sessionTimeoutMs: 1_000 });
  onCleanup(t, () => consumer.close());
  await consumer.consume({ topics: [topic.name], fromBeginning: true, handle: async () => {} });

  const [report] = await waitFor(() => stopped.length > 0 && stopped, { description: 'the consumer reported stopped' });
  assert.equal(report?.groupId, groupId);
  assert.match(report?.error.message ?? '', /session timeout is not within the range allowed by the broker/);
});

test('a service whose consumer stopped for good logs why and exits 1', async (t) => {
  const admin = await kafkaAdmin(t);
  const topic = await createTestTopic(t, admin, { prefix: 'consumer-stopped-service' });
  onCleanup(t, () => admin.deleteGroups([`${topic.name}-group`]).catch(() => {}));
  const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
  const child = spawn(
    process.execPath,
    [new URL('./consumer-stopped-service.ts', import.meta.url).pathname, topic.name],
    {
      env: {
        PATH: process.env['PATH'] ?? '',
        KAFKA_BROKERS: kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        REDIS_URL: redisUrl,
        SEDANO_NAMESPACE: 'sedano-test-consumer-stopped',
        // No collector: the kit's telemetry exports nowhere it could wait for.
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  onCleanup(t, () => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let code: number | null | undefined;
  child.once('exit', (exitCode) => (code = exitCode));
  await waitFor(() => code !== undefined, { description: 'the service to exit', timeoutMs: 60_000 }).catch(
    (error: unknown) => assert.fail(`${(error as Error).message}; its output:\n${output}`),
  );

  assert.equal(code, 1, output);
  assert.match(output, /a Kafka consumer stopped for good: the service exits/);
  assert.match(output, /session timeout is not within the range allowed by the broker/);
});
