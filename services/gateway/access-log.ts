/**
 * The gateway's access log: one line per answered request, written when the response has ended
 * (request id, method, redacted URL, status, duration in ms), in place of fastify's two
 * ("incoming request", "request completed"). `accessLogLevel` (pure) chooses its level;
 * `AccessLog` is the fastify log controller that writes it, for every answer, a framework
 * error's (a bad URL, a parameter too long) too.
 *
 * By default (`writes-and-errors`) a successful read is logged at debug. A status API is polled
 * (dashboards, event streams, `jobs wait`): a line per poll made most of the log and cost a GET
 * about a fifth of its throughput (`npm run bench -- api` with the gateway logging at info,
 * docs/benchmarks.md), while `/metrics` counts every request by route, status and duration
 * anyway. `all` logs every request at info, as fastify does by default.
 *
 * A route adds what the request did to its line (`addToAccessLine`: a submission's job id,
 * stage and trace), so a submission is one line, not an access line and a "job submitted".
 *
 * It also observes each answered request in `http_server_request_duration_seconds`: fastify
 * calls its log controller once per answered request, where it runs onResponse hooks, so the
 * metric costs no hook of its own (every request ran one; `npm run bench -- api`).
 */

import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from '../lib/logger.ts';

/** `SEDANO_GATEWAY_ACCESS_LOG`'s values. */
export const ACCESS_LOG_MODES = ['writes-and-errors', 'all'] as const;
export type AccessLogMode = (typeof ACCESS_LOG_MODES)[number];

/** Routes an orchestrator polls every few seconds to know the gateway is up. */
const PROBE_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** The route of a request no route took (a 404), as the access log and the metrics name it. */
export const UNMATCHED_ROUTE = 'unmatched';

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

/** What routes added to their requests' access lines. */
const addedFields = new WeakMap<FastifyRequest, Record<string, unknown>>();

/** Adds `fields` to the request's access line (a submission's `jobId`, `stage`, `traceId`). */
export function addToAccessLine(request: FastifyRequest, fields: Record<string, unknown>): void {
  addedFields.set(request, { ...addedFields.get(request), ...fields });
}

/** Where answered requests are counted (metrics.ts's `observeRequest`). */
export interface RequestObserver {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** fastify's per-request log lines, replaced by the access line (above). */
export class AccessLog extends LogController {
  readonly #mode: AccessLogMode;
  readonly #requests: RequestObserver;

  constructor(mode: AccessLogMode, requests: RequestObserver) {
    super();
    this.#mode = mode;
    this.#requests = requests;
  }

  /** Nothing when a request arrives: its line is written once it is answered. */
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeUrl;
    this.#requests.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const level = error ? 'error' : accessLogLevel(this.#mode, request.method, route, reply.statusCode);
    // No line for a level the logger drops: a successful read's is at debug by default, and
    // building it cost every GET two objects for nothing (docs/benchmarks.md, the thirtieth
    // round). fastify types its request logger without pino's isLevelEnabled; it is pino's child.
    if (!(request.log as Logger).isLevelEnabled(level)) return;
    const line = {
      ...addedFields.get(request),
      req: request,
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime,
    };
    // The response itself failed (the connection broke while it was written).
    if (error) return request.log.error({ ...line, err: error }, 'request errored');
    request.log[level](line, 'request completed');
  }

  /**
   * The access line of a framework error's answer (app.ts's `frameworkErrors`): fastify follows
   * such a reply to no end, so `requestCompleted` never runs for it, and it has no duration.
   */
  frameworkErrorAnswered(request: FastifyRequest, statusCode: number): void {
    request.log.info({ req: request, res: { statusCode } }, 'request completed');
  }
}
