/** Kafka headers the runtime adds to job messages (the request record itself never changes). */

/** Attempt number of the job this message starts, "1" when absent. */
export const ATTEMPT_HEADER = 'sedano-attempt';
/** On a retry topic: when the attempt is due, milliseconds since the epoch. */
export const DUE_AT_HEADER = 'sedano-due-at';
/** On a retry topic: the lane topic the job goes back to when due. */
export const RETURN_TOPIC_HEADER = 'sedano-return-topic';
/**
 * A delayed job's due time (a countdown or `notBefore` at submission), milliseconds since the
 * epoch; it stays on the message once forwarded to its lane, so its queue wait counts from it.
 */
export const NOT_BEFORE_HEADER = 'sedano-not-before';

/** A numeric header, or `fallback` when it is absent or not a number. */
export function numberHeader(headers: Record<string, Buffer>, name: string, fallback: number): number {
  const value = Number(headers[name]?.toString('utf8'));
  return Number.isFinite(value) && headers[name] !== undefined ? value : fallback;
}
