/**
 * sedano under test, in this process: the noop stage runtime and the status projector on
 * topics, groups and a Redis namespace of their own (shaped like the declared ones), and a
 * submitter that produces noop requests straight to the normal lane, as upstream producers do.
 *
 * A job's success is visible when the Redis status view says SUCCESS. It is seen through
 * Redis keyspace notifications on the view's job keys (`notify`: each write of a pending
 * job's key is followed by a read of its view), or by reading every pending job's view every
 * 10 ms (`poll`).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { NoopRequest } from '../../schemas/noop-request.ts';
import { createCodec, type SubjectBinding } from '../../services/lib/codec.ts';
import { coalescedView } from '../../services/lib/coalesced-view.ts';
import type { Endpoints } from '../../services/lib/endpoints.ts';
import { jobHeader } from '../../services/lib/job-client.ts';
import { createKafkaClient, type TopicDescription } from '../../services/lib/kafka.ts';
import { kafkaConnection } from '../../services/lib/kafka-connection.ts';
import type { Logger } from '../../services/lib/logger.ts';
import { startStageRuntime, stageTopics, type StageTopics } from '../../services/lib/runtime/stage-runtime.ts';
import { createSchemaRegistry, deleteSubject } from '../../services/lib/schema-registry.ts';
import { createStatusView } from '../../services/lib/status-view.ts';
import { createNoopStage } from '../../services/noop/noop-stage.ts';
import { startStatusProjector } from '../../services/status-projector/projector.ts';
import { COMPATIBILITY_POLICIES, STAGE_REQUEST_CONTRACTS } from '../../topology/contracts.ts';
import { type TopologyNames, topologyNames } from '../../topology/names.ts';
import { redisKeys } from '../../topology/redis-keys.ts';
import { declaredTopics } from '../../topology/topics.ts';
import { type Cleanup, deleteKeys } from './cleanup.ts';
import type { BenchSystem, Recorder } from './load.ts';

export type Detection = 'notify' | 'poll';

export interface SedanoSystemOptions {
  endpoints: Endpoints;
  logger: Logger;
  /** Jobs the stage runs at once. */
  concurrency: number;
  detection: Detection;
  /** Where every resource registers its removal. */
  cleanup: Cleanup;
  /** The namespace of the system's topics, groups and keys (default a new `bench-…` one). */
  namespace?: string;
  /** False runs no stage runtime here: a worker process of the namespace runs the jobs. Default true. */
  runtime?: boolean;
}

/** Messages per produce request when many jobs are submitted at once (as the sandbox's submitMany). */
const CHUNK = 500;
const POLL_INTERVAL_MS = 10;
const SUBMITTER = 'sedano-bench';

/** The declared topics of the benchmark's own namespace that a noop stage and a projector use. */
function noopTopics(names: TopologyNames, topics: StageTopics): TopicDescription[] {
  const used = new Set([...topics.lanes, ...Object.values(topics.retry), topics.status, topics.control]);
  return declaredTopics(names, { replicationFactor: 1 }).filter((topic) => used.has(topic.name));
}

export async function startSedanoSystem(options: SedanoSystemOptions): Promise<BenchSystem> {
  const { endpoints, logger, concurrency, cleanup } = options;
  const base = options.namespace ?? `bench-${randomUUID().slice(0, 8)}`;
  const kafka = createKafkaClient({ ...kafkaConnection(process.env), clientId: base });

  const admin = await kafka.admin();
  cleanup.add('kafka admin', () => admin.close());
  // A namespace of the benchmark's own: its topics, groups and keys never meet a running system's.
  const names = topologyNames(base);
  const keys = redisKeys(base);
  const topics = stageTopics(names, 'noop');
  const shapes = noopTopics(names, topics);
  await admin.createTopics(shapes);
  cleanup.add('topics', () => admin.deleteTopics(shapes.map((topic) => topic.name)));

  const lane = topics.lanes[1]!;
  const laneBinding: SubjectBinding<NoopRequest> = {
    subject: names.valueSubject(lane),
    contract: STAGE_REQUEST_CONTRACTS.noop,
    compatibility: COMPATIBILITY_POLICIES.jobRequests.level,
  };
  cleanup.add('lane subject', () => deleteSubject(endpoints.schemaRegistryUrl, laneBinding.subject));
  cleanup.add('status subject', () => deleteSubject(endpoints.schemaRegistryUrl, names.valueSubject(topics.status)));
  const codec = createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) });

  // As the service kit gives the stage runtime (and as a reader serving many requests would):
  // the commands of one tick in one write.
  const connect = (name: string, autoPipelining = false) => {
    const redis = new Redis(endpoints.redisUrl, {
      connectionName: `${base}-${name}`,
      enableAutoPipelining: autoPipelining,
    });
    cleanup.add(`redis ${name}`, () => redis.quit());
    return redis;
  };
  const runtimeRedis = connect('runtime', true);
  // The projector's view runs MULTI/EXEC: nothing else may use its connection.
  const view = createStatusView({ redis: connect('projector'), keys: keys.status });
  // Reads as the gateway's GET does: a turn's reads as one MGET (coalesced-view.ts).
  const reader = coalescedView(createStatusView({ redis: connect('reader', true), keys: keys.status }));
  // Every key of the namespace: the view's, and the job ledger's (kept 7 days otherwise).
  cleanup.add('redis keys', () => deleteKeys(runtimeRedis, keys.pattern));

  const projector = await startStatusProjector({
    kafka,
    codec,
    view,
    logger,
    names,
    batchTopic: null,
  });
  cleanup.add('status projector', () => projector.close());
  if (options.runtime !== false) {
    const runtime = await startStageRuntime(
      { ...createNoopStage(() => 1), options: { concurrency } },
      {
        kafka,
        codec,
        redis: runtimeRedis,
        logger,
        workerId: `${base}-worker`,
        names,
        keys,
      },
    );
    cleanup.add('stage runtime', () => runtime.close());
  }

  let current: Recorder | undefined;
  // Commands sent without waiting for each other's replies are pipelined by ioredis.
  const check = async (recorder: Recorder, jobId: string) => {
    try {
      const job = await reader.get(jobId);
      if (job?.state === 'SUCCESS') recorder.visible(jobId, performance.now());
    } catch (error) {
      logger.warn({ err: error, jobId }, 'reading a job view failed');
    }
  };
  if (options.detection === 'notify') {
    await watchJobKeys({
      redisUrl: endpoints.redisUrl,
      jobKeyPrefix: keys.status.job(''),
      cleanup,
      onWrite: (jobId) => {
        if (current?.pending(jobId)) void check(current, jobId);
      },
    });
  } else {
    let polling = false;
    const timer = setInterval(() => {
      const recorder = current;
      if (polling || !recorder) return;
      polling = true;
      void Promise.all(recorder.pendingIds().map((jobId) => check(recorder, jobId))).finally(() => (polling = false));
    }, POLL_INTERVAL_MS);
    cleanup.add('poller', () => clearInterval(timer));
  }

  const producer = await kafka.producer();
  cleanup.add('producer', () => producer.close());
  return {
    name: 'sedano',
    async submit(count, recorder) {
      current = recorder;
      const submittedAt = Date.now();
      const requests = Array.from({ length: count }, (): NoopRequest => ({
        header: jobHeader('noop', {}, SUBMITTER, submittedAt),
        sleepMs: 0,
        cpuSpinMs: 0,
        failureRate: 0,
        payload: null,
      }));
      const messages = await Promise.all(
        requests.map((request) => codec.toMessage(laneBinding, request.header.jobId, request)),
      );
      for (let start = 0; start < messages.length; start += CHUNK) {
        const chunk = messages.slice(start, start + CHUNK);
        recorder.submitted(
          requests.slice(start, start + CHUNK).map((request) => request.header.jobId),
          performance.now(),
        );
        await producer.send(lane, chunk);
      }
    },
  };
}

interface WatchOptions {
  redisUrl: string;
  jobKeyPrefix: string;
  cleanup: Cleanup;
  /** Called with the job id of every SET of a job key. */
  onWrite: (jobId: string) => void;
}

/**
 * Subscribes to the keyspace notifications of the view's job keys. Notifications of string
 * commands (`K$`) are switched on for the server while the benchmark runs, and the setting
 * it had is restored at the end.
 */
async function watchJobKeys({ redisUrl, jobKeyPrefix, cleanup, onWrite }: WatchOptions): Promise<void> {
  const config = new Redis(redisUrl);
  cleanup.add('redis config', () => config.quit());
  const [, previous = ''] = (await config.config('GET', 'notify-keyspace-events')) as string[];
  const wanted = [...new Set(`${previous}K$`)].join('');
  if (wanted !== previous) {
    await config.config('SET', 'notify-keyspace-events', wanted);
    cleanup.add('keyspace notifications', () => config.config('SET', 'notify-keyspace-events', previous));
  }
  const subscriber = new Redis(redisUrl);
  cleanup.add('redis subscriber', () => subscriber.quit());
  const channelPrefix = `__keyspace@${subscriber.options.db ?? 0}__:${jobKeyPrefix}`;
  subscriber.on('pmessage', (_pattern: string, channel: string, event: string) => {
    if (event === 'set') onWrite(channel.slice(channelPrefix.length));
  });
  await subscriber.psubscribe(`${channelPrefix}*`);
}
