/** What the route modules share: the gateway's collaborators, built once by app.ts. */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../topology/redis-keys.ts';
import type { Codec } from '../lib/codec.ts';
import type { JobClient } from '../lib/job-client.ts';
import type { KafkaAdmin, KafkaProducer } from '../lib/kafka.ts';
import type { Revocations } from '../lib/runtime/revocations.ts';
import type { StatusView } from '../lib/status-view.ts';
import type { WorkerPresence } from '../lib/worker-presence.ts';
import type { DeadLetterIndex } from './dead-letter-index.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { GatewayTopics } from './topics.ts';

export interface GatewayContext {
  admin: KafkaAdmin;
  /** Produces to the gateway's topics as they are (control commands, status events). */
  producer: KafkaProducer;
  codec: Codec;
  redis: Redis;
  /** The namespace's Redis keys (the gateway's own: idempotency claims, pause records). */
  keys: RedisKeys;
  view: StatusView;
  jobClient: JobClient;
  topics: GatewayTopics;
  revocations: Revocations;
  deadLetters: DeadLetterIndex;
  workers: WorkerPresence;
  metrics: GatewayMetrics;
  checkRegistry: () => Promise<void>;
  jaegerUiUrl: string | undefined;
  /**
   * Server-Sent Events: how often the view is read, how often a heartbeat is sent, and how long
   * a stream waits for a job that is not in the view yet (submitted a moment ago) before a 404.
   */
  sse: { pollIntervalMs: number; heartbeatMs: number; appearWithinMs: number };
  now: () => number;
}
