/**
 * Free text that sedano shows and stores in status events (pure): a failed attempt's error
 * message, a PROGRESS message, a revoke's reason. It is redacted (redaction.ts), since every
 * `read` token sees it, and cut, since a handler's error may quote a whole response body and a
 * status event must stay below the status topic's limit (topology/topics.ts).
 */
import { mapStrings, redactText } from './redaction.ts';

/** Longest message shown: enough for any error's explanation, far below a status event's limit. */
export const SHOWN_TEXT_MAX_CHARS = 4096;

/** Ends a text that was cut. */
const ELLIPSIS = '…';

/** `text` cut to at most `max` characters, the last an ellipsis, never between a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - ELLIPSIS.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

/** `text` as it is shown: redacted, then cut at SHOWN_TEXT_MAX_CHARS. */
export function shownText(text: string): string {
  return cutText(redactText(text), SHOWN_TEXT_MAX_CHARS);
}

/**
 * A value with every string in it shown as text is (pure): a PROGRESS's message and details
 * (`currentDocument` is a reference's URI when it has no id), the presence record's progress.
 */
export function shownStrings<T>(value: T): T {
  return mapStrings(value, shownText);
}
