/**
 * Waiting until topics just created have a leader on every partition, before their creator
 * produces to them or reads them; and asking a partition's leader again while it settles.
 *
 * kafkajs's own wait (`createTopics({ waitForLeaders: true })`) takes only LEADER_NOT_AVAILABLE
 * for "not yet": a broker whose metadata does not hold the new topic yet answers
 * UNKNOWN_TOPIC_OR_PARTITION, and kafkajs then fails the whole creation although the topics
 * were created (kafkajs issue #1222; a CI run failed so on a loaded machine: "This server does
 * not host this topic-partition"). This wait takes both for "not yet".
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Partitions of each topic as a metadata request returns them (kafkajs's `fetchTopicMetadata`). */
export interface TopicsMetadata {
  topics: { name: string; partitions: { partitionId: number; leader: number }[] }[];
}

/** Deadlines are measured on the monotonic clock: a wall-clock step must not end a wait early. */
const monotonicNow = (): number => performance.now();

/** Error types of a metadata request that mean "the broker has not caught up yet". */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

export interface LeaderWaitOptions {
  /** @default 30_000, kafkajs's own wait's bound */
  timeoutMs?: number;
  /** @default 100, as kafkajs's own wait */
  intervalMs?: number;
  /** A clock in ms for the deadline; @default performance.now (monotonic) */
  now?: () => number;
}

/** Resolves once `fetchMetadata` shows every one of `topics` with a leader on each partition. */
export async function untilTopicsHaveLeaders(
  topics: readonly string[],
  fetchMetadata: () => Promise<TopicsMetadata>,
  { timeoutMs = 30_000, intervalMs = 100, now = monotonicNow }: LeaderWaitOptions = {},
): Promise<void> {
  const deadline = now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const known = new Map((await fetchMetadata()).topics.map((topic) => [topic.name, topic.partitions]));
      const waiting = topics.filter((name) => {
        const partitions = known.get(name) ?? [];
        return partitions.length === 0 || partitions.some((partition) => partition.leader < 0);
      });
      if (waiting.length === 0) return;
      last = `without a leader yet: ${waiting.join(', ')}`;
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (typeof type !== 'string' || !NOT_YET.has(type)) throw error;
      last = `${type}: ${(error as Error).message}`;
    }
    if (now() >= deadline) throw new Error(`topics created, but not all led within ${timeoutMs} ms (${last})`);
    await sleep(intervalMs);
  }
}

/**
 * Error types a partition's leader answers for a moment after the partition was created or
 * moved: its metadata already names the broker, which is not leading it yet (a CI run's
 * ListOffsets on a topic created and led a moment before: "This server is not the leader for
 * that topic-partition").
 */
const LEADER_SETTLING = new Set(['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Runs `request`, and again every `intervalMs` while it fails because a leader is settling, for
 * at most `timeoutMs` (default 2 s); any other failure is thrown at once. kafkajs's
 * `fetchTopicOffsets` gives up on NOT_LEADER_FOR_PARTITION at the first answer.
 */
export async function whileLeadersSettle<T>(
  request: () => Promise<T>,
  { timeoutMs = 2_000, intervalMs = 100, now = monotonicNow }: LeaderWaitOptions = {},
): Promise<T> {
  const deadline = now() + timeoutMs;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (typeof type !== 'string' || !LEADER_SETTLING.has(type) || now() >= deadline) throw error;
    }
    await sleep(intervalMs);
  }
}
