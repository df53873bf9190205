/**
 * An indexing result within its size budget (pure). Its per-document lists grow with the job,
 * about 170 bytes a document indexed and more for a failed one, and a SUCCESS event larger than
 * the status topic takes fails its job after the documents were indexed (job-reporter.ts): every
 * retry would index nothing new and fail again. So past RESULT_LISTS_MAX_BYTES the lists keep
 * their first entries, in the request's order, and count the rest (`indexedOmitted`,
 * `unchangedOmitted`, `failedOmitted`); `chunksWritten` and the counts stay whole.
 *
 * The budget goes to `failed` first (what someone acts on), then `indexed`, then `unchanged`.
 * 256 KiB lists a thousand or more documents of each kind, far more than a page shows, while
 * the job's view in Redis, its GET and the dashboard's job page stay small; the status topic
 * (8 MiB) would take thirty times that.
 */
import type { FailedDocument } from '../../schemas/failed-document.ts';
import type { IndexedDocument } from '../../schemas/indexed-document.ts';
import type { IndexingResult } from '../../schemas/indexing-result.ts';
import type { SkippedDocument } from '../../schemas/skipped-document.ts';

export const RESULT_LISTS_MAX_BYTES = 256 * 1024;

/** At most the bytes Avro gives a string: a varint length (5 bytes at most) and its UTF-8. */
function stringBytes(text: string): number {
  return 5 + Buffer.byteLength(text);
}

/** At most the bytes Avro gives an int or a long's varint. */
const NUMBER_BYTES = 10;

const failedBytes = (entry: FailedDocument) =>
  stringBytes(entry.source) + stringBytes(entry.code) + stringBytes(entry.reason);
const indexedBytes = (entry: IndexedDocument) =>
  stringBytes(entry.documentId) + stringBytes(entry.source) + NUMBER_BYTES + stringBytes(entry.contentHash);
const unchangedBytes = (entry: SkippedDocument) =>
  stringBytes(entry.documentId) + stringBytes(entry.source) + stringBytes(entry.reason);

/** The result with its lists cut to `maxBytes` in all, and what each lost counted (omitted counts add up). */
export function withinBudget(result: IndexingResult, maxBytes = RESULT_LISTS_MAX_BYTES): IndexingResult {
  let left = maxBytes;
  // The longest prefix of `entries` the bytes left can hold.
  function keep<T>(entries: readonly T[], bytesOf: (entry: T) => number): T[] {
    let kept = 0;
    for (const entry of entries) {
      const bytes = bytesOf(entry);
      if (bytes > left) break;
      left -= bytes;
      kept += 1;
    }
    return kept === entries.length ? [...entries] : entries.slice(0, kept);
  }
  const failed = keep(result.failed, failedBytes);
  const indexed = keep(result.indexed, indexedBytes);
  const unchanged = keep(result.unchanged, unchangedBytes);
  return {
    ...result,
    indexed,
    unchanged,
    failed,
    indexedOmitted: result.indexedOmitted + result.indexed.length - indexed.length,
    unchangedOmitted: result.unchangedOmitted + result.unchanged.length - unchanged.length,
    failedOmitted: result.failedOmitted + result.failed.length - failed.length,
  };
}
