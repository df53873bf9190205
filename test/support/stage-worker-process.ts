/**
 * Stage workers as child processes, for the tests that SIGKILL them (the fault tests, the
 * indexer's and exporter's crash tests). The parent starts one with `startStageWorkerProcess`,
 * which waits for its `ready` line; the child script builds its stage and calls
 * `runStageWorkerProcess`, which wires the real runtime (Kafka, registry, Redis) the way a
 * service's main.ts does, on the sandbox's topics.
 *
 * The configuration travels as JSON in one environment variable (`SEDANO_STAGE_WORKER`): the
 * sandbox's topics, the worker id, the test's own Redis namespace (ledger, presence, purge marks)
 * and whatever the child's stage needs (`extra`); the other names are the test run's
 * (SEDANO_NAMESPACE, inherited).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createCodec } from '../../services/lib/codec.ts';
import { resolveEndpoints } from '../../services/lib/endpoints.ts';
import { createKafkaClient } from '../../services/lib/kafka.ts';
import { kafkaConnection } from '../../services/lib/kafka-connection.ts';
import type { StageDefinition } from '../../services/lib/runtime/stage.ts';
import type { Stage } from '../../topology/stages.ts';
import { startStageRuntime, type StageTopics } from '../../services/lib/runtime/stage-runtime.ts';
import { createSchemaRegistry } from '../../services/lib/schema-registry.ts';
import { redisKeys } from '../../topology/redis-keys.ts';
import { testNames } from './resources.ts';

const CONFIG_VARIABLE = 'SEDANO_STAGE_WORKER';

export interface StageWorkerConfig<Extra> {
  topics: StageTopics;
  workerId: string;
  /** The test's own Redis namespace (`redisClient(t).keys.namespace`). */
  redisNamespace: string;
  /** What the child's stage needs (thread settings, a key prefix for its effects). */
  extra: Extra;
}

/** In the child: the configuration its parent gave. */
export function stageWorkerConfig<Extra>(): StageWorkerConfig<Extra> {
  return JSON.parse(process.env[CONFIG_VARIABLE] ?? '{}') as StageWorkerConfig<Extra>;
}

/**
 * In the child: runs `stage` on the real runtime, writes `ready` once it has joined, and closes
 * on SIGTERM. `redis` is the client the runtime uses (a handler with effects in Redis shares it).
 */
export async function runStageWorkerProcess<S extends Stage>(
  stage: StageDefinition<S>,
  config: StageWorkerConfig<unknown>,
  redis: Redis = new Redis(resolveEndpoints(process.env).redisUrl),
): Promise<void> {
  const endpoints = resolveEndpoints(process.env);
  const runtime = await startStageRuntime(stage, {
    kafka: createKafkaClient({ ...kafkaConnection(process.env), clientId: config.workerId, log: () => {} }),
    codec: createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
    redis,
    logger: pino({ level: process.env['LOG_LEVEL'] ?? 'silent' }),
    workerId: config.workerId,
    names: testNames(),
    keys: redisKeys(config.redisNamespace),
    topics: config.topics,
    // Short, so the partitions of a killed worker move within seconds (the broker's minimum is 6 s).
    sessionTimeoutMs: 6_000,
  });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void runtime.close().then(() => redis.quit());
  });
}

/**
 * In the parent: starts `script` with `config` and resolves once it is ready; the test's end
 * SIGKILLs it if it still runs.
 */
export async function startStageWorkerProcess<Extra>(
  t: TestContext,
  script: string,
  config: StageWorkerConfig<Extra>,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, [CONFIG_VARIABLE]: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before it was ready`)));
  });
  return child;
}
