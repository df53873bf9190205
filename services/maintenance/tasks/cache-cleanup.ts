/**
 * The cache cleanup task: removes what would otherwise stay in Redis and Kafka forever, or
 * past its use. Each part runs only when its options are given, and counts what it removed.
 * Every key it reads is named by the namespace's keys (topology/redis-keys.ts):
 * - `embeddingCacheEntries`: cached vectors older than the maximum age, or without an expiry;
 * - `workerIndexEntries`, `workerRecords`: presence index entries of workers gone for longer
 *   than `workerGoneAfterMs`, and presence keys that never expire (the index itself aside);
 * - `purgeMarks`: purge marks of topics that no longer exist, or without an expiry;
 * - `statusIndexEntries`: status-view index entries (at least `statusIndexMinAgeMs` old) whose
 *   job has expired from the view: the index tails that otherwise grow without bound;
 * - `readerGroups`: empty consumer groups of throwaway readers (ctl, rebuilds, dead workers' control groups);
 * - `exportFiles`, `exportFileBytes`: export files past their retention.
 * What it keeps: everything else, including any key whose expiry it could not read.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../../topology/redis-keys.ts';
import type { KafkaAdmin } from '../../lib/kafka.ts';
import { outcomeOf, type TaskContext, type TaskOutcome, type TaskRunner } from '../maintenance-task.ts';
import {
  emptyReaderGroups,
  expiredFiles,
  keysWithoutExpiry,
  type KeyTtl,
  orphanedMembers,
  orphanedPurgeMarks,
  staleEmbeddingKeys,
} from './cache-cleanup-plan.ts';
import type { FileStore } from './file-store.ts';

export interface CacheCleanupOptions {
  redis: Redis;
  /** Needed for purge marks (which topics exist) and reader groups. */
  admin?: KafkaAdmin;
  /** The namespace's keys: each part scans and names its own. */
  keys: Pick<RedisKeys, 'embeddingPattern' | 'workers' | 'purgeMarkPattern' | 'purgeMarkOf' | 'status'>;
  /** The embedding cache's entries (services/indexer/embedding/cache.ts). */
  embeddings?: {
    /** The lifetime the cache gives each entry, in ms (its ttlSeconds × 1000). */
    cacheTtlMs: number;
    /** Entries older than this are removed, in ms. @default the cache's lifetime (only keys without expiry go) */
    maxAgeMs?: number;
  };
  /** Worker presence (services/lib/worker-presence.ts): how long a gone worker's entry stays. */
  workers?: { goneAfterMs?: number };
  /** Purge marks (services/lib/purge-marks.ts); needs `admin`. */
  purgeMarks?: boolean;
  /** The status view's indexes (services/lib/status-view.ts): the youngest entry looked at. */
  statusView?: { indexMinAgeMs?: number };
  /** Group-id prefixes of throwaway reader groups whose empty groups are deleted. */
  readerGroupPrefixes?: readonly string[];
  /** Export files and how long they are kept, in ms. */
  exportFiles?: { store: FileStore; retentionMs: number };
  /** Keys per SCAN call and per delete. @default 500 */
  batchSize?: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;

/** The cache cleanup's runner. */
export function createCacheCleanup(options: CacheCleanupOptions): TaskRunner {
  return (context) => cleanCaches(options, context);
}

type Step = [name: string, run: () => Promise<Record<string, number>>];

async function cleanCaches(options: CacheCleanupOptions, context: TaskContext): Promise<TaskOutcome> {
  const { redis, admin, keys, embeddings, workers, purgeMarks, statusView, readerGroupPrefixes, exportFiles } = options;
  const now = options.now ?? Date.now;
  const batch = options.batchSize ?? 500;
  const steps: Step[] = [];
  if (embeddings) {
    steps.push(['embedding cache', () => cleanEmbeddings(redis, keys.embeddingPattern, embeddings, batch)]);
  }
  if (workers) steps.push(['worker presence', () => cleanWorkers(redis, keys.workers, workers, now(), batch)]);
  if (purgeMarks && admin) steps.push(['purge marks', () => cleanPurgeMarks(redis, admin, keys, batch)]);
  if (statusView) {
    steps.push(['status-view indexes', () => cleanStatusIndexes(redis, keys.status, statusView, now(), batch)]);
  }
  if (readerGroupPrefixes && readerGroupPrefixes.length > 0 && admin) {
    steps.push(['reader groups', () => cleanReaderGroups(admin, readerGroupPrefixes)]);
  }
  if (exportFiles) steps.push(['export files', () => cleanFiles(exportFiles.store, now(), exportFiles.retentionMs)]);

  const counts: Record<string, number> = {};
  for (const [index, [name, run]] of steps.entries()) {
    context.signal.throwIfAborted();
    context.progress(index, steps.length, `cleaning ${name}`);
    Object.assign(counts, await run());
  }
  context.progress(steps.length, steps.length, 'done');
  const removed = Object.entries(counts)
    .filter(([kind]) => kind !== 'exportFileBytes')
    .map(([kind, count]) => `${count} ${kind}`);
  return outcomeOf(
    `removed ${removed.join(', ') || 'nothing (no part configured)'}`,
    counts,
    Object.keys(counts).filter((kind) => kind !== 'exportFileBytes'),
  );
}

async function* scanKeys(redis: Redis, match: string, batch: number): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', batch);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}

async function ttlsOf(redis: Redis, keys: readonly string[]): Promise<KeyTtl[]> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.pttl(key);
  const replies = (await pipeline.exec()) ?? [];
  // A key whose PTTL failed reads as gone (-2): it is kept.
  return keys.map((key, index) => ({ key, pttlMs: replies[index]?.[0] ? -2 : Number(replies[index]?.[1]) }));
}

async function unlinkAll(redis: Redis, keys: readonly string[], batch: number): Promise<number> {
  let removed = 0;
  for (let start = 0; start < keys.length; start += batch)
    removed += await redis.unlink(...keys.slice(start, start + batch));
  return removed;
}

async function cleanEmbeddings(
  redis: Redis,
  pattern: string,
  { cacheTtlMs, maxAgeMs = cacheTtlMs }: NonNullable<CacheCleanupOptions['embeddings']>,
  batch: number,
): Promise<Record<string, number>> {
  let removed = 0;
  for await (const keys of scanKeys(redis, pattern, batch)) {
    removed += await unlinkAll(redis, staleEmbeddingKeys(await ttlsOf(redis, keys), cacheTtlMs, maxAgeMs), batch);
  }
  return { embeddingCacheEntries: removed };
}

async function cleanWorkers(
  redis: Redis,
  { index, pattern }: RedisKeys['workers'],
  { goneAfterMs = DAY_MS }: NonNullable<CacheCleanupOptions['workers']>,
  nowMs: number,
  batch: number,
): Promise<Record<string, number>> {
  // The index is scored by each record's expiry: a score this old is a worker long gone.
  const workerIndexEntries = await redis.zremrangebyscore(index, '-inf', `(${nowMs - goneAfterMs}`);
  let workerRecords = 0;
  for await (const keys of scanKeys(redis, pattern, batch)) {
    const others = keys.filter((key) => key !== index);
    workerRecords += await unlinkAll(redis, keysWithoutExpiry(await ttlsOf(redis, others)), batch);
  }
  return { workerIndexEntries, workerRecords };
}

async function cleanPurgeMarks(
  redis: Redis,
  admin: KafkaAdmin,
  { purgeMarkPattern, purgeMarkOf }: Pick<RedisKeys, 'purgeMarkPattern' | 'purgeMarkOf'>,
  batch: number,
): Promise<Record<string, number>> {
  const topics = new Set(await admin.listTopics());
  let removed = 0;
  for await (const keys of scanKeys(redis, purgeMarkPattern, batch)) {
    const stale = new Set([
      ...orphanedPurgeMarks(keys, purgeMarkOf, topics),
      ...keysWithoutExpiry(await ttlsOf(redis, keys)),
    ]);
    removed += await unlinkAll(redis, [...stale], batch);
  }
  return { purgeMarks: removed };
}

async function cleanStatusIndexes(
  redis: Redis,
  { indexPattern, job }: RedisKeys['status'],
  { indexMinAgeMs = 3_600_000 }: NonNullable<CacheCleanupOptions['statusView']>,
  nowMs: number,
  batch: number,
): Promise<Record<string, number>> {
  let removed = 0;
  const indexes: string[] = [];
  for await (const keys of scanKeys(redis, indexPattern, batch)) indexes.push(...keys);
  for (const index of indexes) {
    let cursor = '0';
    do {
      const [next, flat] = await redis.zscan(index, cursor, 'COUNT', batch);
      cursor = next;
      const members: string[] = [];
      // Only entries old enough: a job's JSON and its index entries are written together, but
      // an entry this old whose job is missing is certainly an expired job's.
      for (let i = 0; i < flat.length; i += 2) if (Number(flat[i + 1]) < nowMs - indexMinAgeMs) members.push(flat[i]!);
      if (members.length === 0) continue;
      const pipeline = redis.pipeline();
      for (const jobId of members) pipeline.exists(job(jobId));
      // A failed EXISTS reads as present: the entry is kept.
      const exists = ((await pipeline.exec()) ?? []).map(([error, count]) => error !== null || Number(count) > 0);
      const orphans = orphanedMembers(members, exists);
      if (orphans.length > 0) removed += await redis.zrem(index, ...orphans);
    } while (cursor !== '0');
  }
  return { statusIndexEntries: removed };
}

async function cleanReaderGroups(admin: KafkaAdmin, prefixes: readonly string[]): Promise<Record<string, number>> {
  const candidates = (await admin.listGroups()).filter((groupId) =>
    prefixes.some((prefix) => groupId.startsWith(prefix)),
  );
  const described = await Promise.all(candidates.map((groupId) => admin.describeGroup(groupId)));
  const empty = emptyReaderGroups(described, prefixes);
  await admin.deleteGroups(empty);
  return { readerGroups: empty.length };
}

async function cleanFiles(store: FileStore, nowMs: number, retentionMs: number): Promise<Record<string, number>> {
  const expired = expiredFiles(await store.list(), nowMs, retentionMs);
  for (const file of expired) await store.remove(file.name);
  return { exportFiles: expired.length, exportFileBytes: expired.reduce((sum, file) => sum + file.sizeBytes, 0) };
}
