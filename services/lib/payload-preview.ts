/**
 * A job's payload as people read it on the job page and in `ctl jobs get` (pure): Celery's
 * `argsrepr`, which Flower shows. Every status event carries it (JobStatusEvent.payloadPreview),
 * so the view has it whichever event it was last rebuilt from, and a job produced straight to
 * Kafka without a PENDING gets it from its first worker event.
 *
 * It is shown, so it is redacted as the gateway's log is (redaction.ts): a field whose name says
 * credential (`password`, `apiKey`, `X-Amz-Signature`…) has its value replaced, as has the value
 * of a `{ name, value }` pair so named; in strings, a URL's user and password and credential
 * parameters (a presigned document URL), and JSON inside a string (a document's metadata map
 * holds only strings) field by field.
 * Cut at 1,024 characters, as Celery cuts its result's repr (`resultrepr_maxsize`): a view is
 * stored for every job, and an indexing request can list thousands of documents.
 */
import { isCredentialName, REDACTED, redactText } from './redaction.ts';
import { cutText } from './shown-text.ts';

export const PAYLOAD_PREVIEW_MAX_CHARS = 1024;

/** A `{ name, value }` (or `{ key, value }`) pair whose name is a credential's: `{ name: 'DB_PASSWORD', value }`. */
function isCredentialPair(value: object): boolean {
  if (!('value' in value)) return false;
  const name = 'name' in value ? value.name : 'key' in value ? value.key : undefined;
  return typeof name === 'string' && isCredentialName(name);
}

/** A string redacted: JSON inside it (a map's value can only be a string) field by field, else as text. */
function redactedString(text: string): string {
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(text), redacted);
    } catch {
      // Not JSON after all: redacted as text.
    }
  }
  return redactText(text);
}

/** JSON.stringify's replacer: every value's name and content checked, long arrays cut. */
function redacted(name: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (isCredentialName(name)) return REDACTED;
  if (typeof value === 'string') return redactedString(value);
  // Items past this many cannot appear in the preview (each takes a character and a comma at least).
  if (Array.isArray(value) && value.length > PAYLOAD_PREVIEW_MAX_CHARS)
    return value.slice(0, PAYLOAD_PREVIEW_MAX_CHARS);
  if (typeof value === 'object' && isCredentialPair(value)) return { ...value, value: REDACTED };
  return value;
}

/**
 * The preview of a request record (a stage's, or a maintenance run's): its fields but the ones
 * the job page shows apart (`header`, `jobId`), redacted, as JSON, cut.
 */
export function payloadPreview(request: object): string | null {
  const { header: _header, jobId: _jobId, ...payload } = request as Record<string, unknown>;
  try {
    return cutText(JSON.stringify(payload, redacted), PAYLOAD_PREVIEW_MAX_CHARS);
  } catch {
    // Never from a decoded record (no BigInt, no cycle); a job is not failed for its preview.
    return null;
  }
}
