/**
 * A job's payload as people read it on the job page and in `ctl jobs get` (pure): Celery's
 * `argsrepr`, which Flower shows. Every status event carries it (JobStatusEvent.payloadPreview),
 * so the view has it whichever event it was last rebuilt from, and a job produced straight to
 * Kafka without a PENDING gets it from its first worker event.
 *
 * It is shown, so it is redacted as the gateway's log is (redaction.ts): a field whose name says
 * credential (`password`, `apiKey`, `X-Amz-Signature`…) has its value replaced, and so have the
 * user and password of a URL and its credential query parameters (a presigned document URL).
 * Cut at 1,024 characters, as Celery cuts its result's repr (`resultrepr_maxsize`): a view is
 * stored for every job, and an indexing request can list thousands of documents.
 */
import { isCredentialName, REDACTED, redactText } from './redaction.ts';

export const PAYLOAD_PREVIEW_MAX_CHARS = 1024;

/** Ends a preview that was cut. */
const ELLIPSIS = '…';

function redacted(this: unknown, name: string, value: unknown): unknown {
  // The array's indexes and the top level's empty name are not field names.
  if (name !== '' && !Array.isArray(this) && isCredentialName(name)) return REDACTED;
  return typeof value === 'string' ? redactText(value) : value;
}

/** `text` cut to at most `max` characters, the last an ellipsis, never between a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - ELLIPSIS.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

/**
 * The preview of a request record (a stage's, or a maintenance run's): its fields but the ones
 * the job page shows apart (`header`, `jobId`), redacted, as JSON, cut.
 */
export function payloadPreview(request: object): string {
  const payload = Object.fromEntries(Object.entries(request).filter(([name]) => name !== 'header' && name !== 'jobId'));
  return cutText(JSON.stringify(payload, redacted), PAYLOAD_PREVIEW_MAX_CHARS);
}
