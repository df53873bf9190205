/**
 * The gateway's access log (pure): the level of each answered request's line (app.ts writes it
 * when the response ends: request id, method, redacted URL, status, duration).
 *
 * By default (`writes-and-errors`) a successful read is logged at debug. A status API is polled
 * (dashboards, event streams, `jobs wait`): a line per poll made most of the log and cost a GET
 * about a fifth of its throughput (`npm run bench -- api` with the gateway logging at info,
 * docs/benchmarks.md), while `/metrics` counts every request by route, status and duration
 * anyway. `all` logs every request at info, as fastify does by default.
 */

/** `SEDANO_GATEWAY_ACCESS_LOG`'s values. */
export const ACCESS_LOG_MODES = ['writes-and-errors', 'all'] as const;
export type AccessLogMode = (typeof ACCESS_LOG_MODES)[number];

/** Routes an orchestrator polls every few seconds to know the gateway is up. */
const PROBE_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** Methods that change nothing. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The level of a request's access line: info for an error answer (4xx, 5xx) and for a request
 * that changes something; for a successful read, info only in `all` mode; a health probe's
 * success always at debug.
 */
export function accessLogLevel(
  mode: AccessLogMode,
  method: string,
  route: string,
  statusCode: number,
): 'info' | 'debug' {
  if (statusCode >= 400) return 'info';
  if (PROBE_ROUTES.has(route)) return 'debug';
  if (mode === 'all' || !READ_METHODS.has(method)) return 'info';
  return 'debug';
}
