/**
 * A stage's pause record (`keys.stagePause(stage)`): the last PAUSE_STAGE or RESUME_STAGE given
 * through the gateway, who gave it and when. The gateway writes it after producing the command;
 * `GET /v1/stages` shows it.
 *
 * It is also what a worker starts from (runtime/stage-assembly.ts): the control topic keeps a
 * command for a day, so a worker started or restarted later than that after a PAUSE_STAGE would
 * otherwise never learn of it and run a paused stage's jobs. A worker that read the record
 * applies only the commands the topic holds from the record's time on: an older one is a state
 * the record has already replaced.
 */
import type { Redis } from 'ioredis';

export interface PauseRecord {
  paused: boolean;
  /** Who gave the command. */
  by: string;
  /** When it was issued (the command's `issuedAt`), ms since the epoch. */
  at: number;
}

/** The stage's record; undefined when none was ever written, or one is not a record (never written by this code). */
export async function readPauseRecord(redis: Redis, key: string): Promise<PauseRecord | undefined> {
  const raw = await redis.get(key);
  if (raw === null) return undefined;
  try {
    const record = JSON.parse(raw) as Partial<PauseRecord>;
    return typeof record.paused === 'boolean' && typeof record.by === 'string' && typeof record.at === 'number'
      ? { paused: record.paused, by: record.by, at: record.at }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Stores the record, without expiry: a stage stays paused until someone resumes it. */
export async function writePauseRecord(redis: Redis, key: string, record: PauseRecord): Promise<void> {
  await redis.set(key, JSON.stringify(record));
}
