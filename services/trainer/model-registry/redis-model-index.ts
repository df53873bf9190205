/**
 * The default ModelIndex, in Redis so every worker and the gateway see the same versions.
 * Keys: the `models` family of the keyspace module (topology/redis-keys.ts): a set of names,
 * and per model its version sequence, its job → version hash, its version → record hash and
 * its latest version.
 *
 * A claim is one script (INCR unless the job already holds a version), so two runs never get
 * the same number and a retried job gets its own number back.
 */
import type { Redis } from 'ioredis';
import type { ModelRegistryKeys } from '../../../topology/redis-keys.ts';
import type { ModelIndex, ModelSummary } from './model-registry.ts';
import { checkModelName, type ModelVersionRecord } from './model-version.ts';

const CLAIM = `
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then return tonumber(held) end
local version = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], version)
return version`;

const RECORD = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
local latest = tonumber(redis.call('GET', KEYS[3]) or '0')
if tonumber(ARGV[1]) > latest then redis.call('SET', KEYS[3], ARGV[1]) end
return 1`;

// A restored version: its job's claim, the sequence past it, then what RECORD does; never over a version already there.
const RESTORE = `
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[1])
local sequence = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > sequence then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[3])
local latest = tonumber(redis.call('GET', KEYS[5]) or '0')
if tonumber(ARGV[1]) > latest then redis.call('SET', KEYS[5], ARGV[1]) end
return 1`;

/**
 * Records a version restored from a backup under its own number (the job that trained it keeps
 * it, later claims go past it); false, and nothing written, when that version is already there.
 */
export async function restoreModelRecord(
  redis: Redis,
  keys: ModelRegistryKeys,
  record: ModelVersionRecord,
): Promise<boolean> {
  const name = checkModelName(record.modelName);
  const written = await redis.eval(
    RESTORE,
    5,
    keys.sequence(name),
    keys.jobs(name),
    keys.versions(name),
    keys.names,
    keys.latest(name),
    String(record.version),
    JSON.stringify(record),
    name,
    record.trainingJobId,
  );
  return written === 1;
}

/** The index under `keys` (`redisKeys(namespace).models`). */
export function createRedisModelIndex(redis: Redis, keys: ModelRegistryKeys): ModelIndex {
  const key = (modelName: string, what: 'sequence' | 'jobs' | 'versions' | 'latest') =>
    keys[what](checkModelName(modelName));
  const namesKey = keys.names;
  const parse = (json: string | null): ModelVersionRecord | undefined =>
    json === null ? undefined : (JSON.parse(json) as ModelVersionRecord);
  const index: ModelIndex = {
    async claimVersion(modelName, jobId) {
      return Number(await redis.eval(CLAIM, 2, key(modelName, 'sequence'), key(modelName, 'jobs'), jobId));
    },
    async record(record) {
      await redis.eval(
        RECORD,
        3,
        key(record.modelName, 'versions'),
        namesKey,
        key(record.modelName, 'latest'),
        String(record.version),
        JSON.stringify(record),
        record.modelName,
      );
    },
    async findByJob(modelName, jobId) {
      const version = await redis.hget(key(modelName, 'jobs'), jobId);
      return version === null ? undefined : index.get(modelName, Number(version));
    },
    async get(modelName, version) {
      return parse(await redis.hget(key(modelName, 'versions'), String(version)));
    },
    async latestVersion(modelName) {
      const latest = await redis.get(key(modelName, 'latest'));
      return latest === null ? undefined : Number(latest);
    },
    async versions(modelName) {
      const all = await redis.hvals(key(modelName, 'versions'));
      return all.map((json) => JSON.parse(json) as ModelVersionRecord).sort((a, b) => a.version - b.version);
    },
    async list() {
      const names = (await redis.smembers(namesKey)).sort();
      const summaries: ModelSummary[] = [];
      for (const modelName of names) {
        const [latest, count] = await Promise.all([
          redis.get(key(modelName, 'latest')),
          redis.hlen(key(modelName, 'versions')),
        ]);
        if (latest !== null) summaries.push({ modelName, latestVersion: Number(latest), versions: count });
      }
      return summaries;
    },
  };
  return index;
}
