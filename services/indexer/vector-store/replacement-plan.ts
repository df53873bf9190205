/**
 * What replacing a document's chunks takes, from what is stored and what is wanted. Pure: the
 * adapters read the stored state, apply the plan and report its counts.
 */
import type { ChunkRecord } from './port.ts';

/** A stored chunk as far as replacing needs to know it. */
export interface StoredChunkState {
  id: string;
  documentHash: string;
}

export interface ReplacementPlan {
  /** Chunks to insert (new id) or rewrite (same id, another document hash). */
  write: ChunkRecord[];
  /** Ids of stored chunks that are not among the wanted ones. */
  stale: string[];
  /** Wanted chunks already stored with the same id and document hash. */
  unchanged: number;
}

export function planReplacement(stored: readonly StoredChunkState[], wanted: readonly ChunkRecord[]): ReplacementPlan {
  const storedHashById = new Map(stored.map((chunk) => [chunk.id, chunk.documentHash]));
  const wantedIds = new Set(wanted.map((chunk) => chunk.id));
  const write = wanted.filter((chunk) => storedHashById.get(chunk.id) !== chunk.documentHash);
  const stale = [...storedHashById.keys()].filter((id) => !wantedIds.has(id));
  return { write, stale, unchanged: wanted.length - write.length };
}

/** True when applying the plan would change nothing. */
export function isNoop(plan: ReplacementPlan): boolean {
  return plan.write.length === 0 && plan.stale.length === 0;
}
