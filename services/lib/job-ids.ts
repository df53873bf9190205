/** Job ids: random UUIDs, or name-based ones so that one idempotency key is always one job. */
import { createHash } from 'node:crypto';
import { formatUuid, randomUuid, stampUuid } from './uuid.ts';

/** sedano's namespace for name-based (version 5) job ids. */
const JOB_ID_NAMESPACE = Buffer.from('6f1c0a52d9e24c8e8b3a5d0f7e2c9a41', 'hex');

export function newJobId(): string {
  return randomUuid();
}

/** The idempotency key of a batch's follow-up, from which its job id comes. */
export function followUpKey(batchId: string): string {
  return `batch:${batchId}:follow-up`;
}

/** The job id of a batch's follow-up (pure): the batch always names the same job. */
export function followUpJobIdOf(batchId: string): string {
  return jobIdForKey(followUpKey(batchId));
}

/** The UUID version 5 (RFC 9562) of `key` in sedano's namespace: the same key gives the same id. */
export function jobIdForKey(key: string): string {
  const bytes = createHash('sha1').update(JOB_ID_NAMESPACE).update(key, 'utf8').digest().subarray(0, 16);
  stampUuid(bytes, 5);
  return formatUuid(bytes);
}
