/**
 * What the status view tells about a batch (pure): its counts per state, its declared size and
 * follow-up, and its summary; and how a batch declaration is stored in Redis as JSON.
 */
import type { BatchDeclaration } from '../../schemas/batch-declaration.ts';
import { JOB_STATE_SYMBOLS } from '../../schemas/job-state.ts';
import { type BatchCounts, type BatchSummary, summarizeBatch } from './batch-state.ts';

export interface BatchView {
  batchId: string;
  /** Jobs of the batch the view has seen, per state. */
  counts: BatchCounts;
  /** Number of jobs the batch was declared with; null when the view has no declaration. */
  size: number | null;
  /** Id of the job submitted once every child has ended; null when the batch declared none. */
  followUpJobId: string | null;
  /**
   * State and progress over the declared size: declared jobs the view has not seen yet (their
   * PENDING not projected yet) count as PENDING, so progress never runs ahead of the batch.
   */
  summary: BatchSummary;
}

/** Counts with every state at zero. */
export function emptyBatchCounts(): BatchCounts {
  return Object.fromEntries(JOB_STATE_SYMBOLS.map((state) => [state, 0])) as BatchCounts;
}

/** The view of a batch from what Redis holds; undefined when it holds neither counts nor declaration. */
export function batchViewOf(
  batchId: string,
  counts: BatchCounts | undefined,
  declaration: BatchDeclaration | undefined,
): BatchView | undefined {
  if (counts === undefined && declaration === undefined) return undefined;
  const seen = counts ?? emptyBatchCounts();
  const total = Object.values(seen).reduce((sum, count) => sum + count, 0);
  const unseen = Math.max(0, (declaration?.size ?? 0) - total);
  return {
    batchId,
    counts: seen,
    size: declaration?.size ?? null,
    followUpJobId: declaration?.followUp?.jobId ?? null,
    summary: summarizeBatch({ ...seen, PENDING: seen.PENDING + unseen }),
  };
}

/** A declaration as JSON: the follow-up's bytes in base64. */
export function declarationToJson(declaration: BatchDeclaration): string {
  const { followUp } = declaration;
  return JSON.stringify({
    ...declaration,
    followUp: followUp && {
      ...followUp,
      request: followUp.request.toString('base64'),
      requestHeaders: followUp.requestHeaders.map(({ key, value }) => ({
        key,
        value: value?.toString('base64') ?? null,
      })),
      pending: followUp.pending.toString('base64'),
    },
  });
}

interface StoredFollowUp {
  jobId: string;
  stage: string;
  topic: string;
  request: string;
  requestHeaders: { key: string; value: string | null }[];
  pending: string;
}

/** The declaration `declarationToJson` wrote. */
export function declarationFromJson(json: string): BatchDeclaration {
  const stored = JSON.parse(json) as Omit<BatchDeclaration, 'followUp'> & { followUp: StoredFollowUp | null };
  const { followUp } = stored;
  return {
    ...stored,
    followUp: followUp && {
      ...followUp,
      request: Buffer.from(followUp.request, 'base64'),
      requestHeaders: followUp.requestHeaders.map(({ key, value }) => ({
        key,
        value: value === null ? null : Buffer.from(value, 'base64'),
      })),
      pending: Buffer.from(followUp.pending, 'base64'),
    },
  };
}
