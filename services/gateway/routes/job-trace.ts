/**
 * `GET /v1/jobs/:id/trace`: the job's trace as a timeline (trace-timeline.ts), read by the
 * gateway from Jaeger's query API (`JAEGER_QUERY_URL`), so the browser never talks to Jaeger
 * and the dashboard needs no Jaeger UI. Spans are exported a second or so after they end:
 * a trace Jaeger does not have yet is `{ timeline: null }`, and the dashboard asks again.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { GatewayContext } from '../context.ts';
import { apiError } from '../errors.ts';
import { jobIdParams, routeResponses } from '../schemas.ts';
import { type JaegerTraceReply, timelineOf } from '../trace-timeline.ts';
import { findJob } from './jobs.ts';

const JAEGER_TIMEOUT_MS = 5_000;

/** What the trace route uses of the gateway's collaborators. */
export const JOB_TRACE_ROUTE_NEEDS = [
  'view',
  'codec',
  'jaegerUiUrl',
  'jaegerQueryUrl',
] as const satisfies readonly (keyof GatewayContext)[];

/** The trace route, a fastify plugin given only what it uses. */
export const jobTraceRoutes: FastifyPluginAsync<Pick<GatewayContext, (typeof JOB_TRACE_ROUTE_NEEDS)[number]>> = async (
  app,
  context,
) => {
  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id/trace',
    {
      config: { scope: 'read' },
      schema: {
        summary: "The job's trace as a timeline of spans, from Jaeger",
        description:
          '`timeline` is null while Jaeger has no span of the trace yet. 503 when no Jaeger query URL is configured.',
        tags: ['jobs'],
        params: jobIdParams,
        response: routeResponses(
          { 200: { description: "The job's trace id, Jaeger link and timeline (null until Jaeger has a span)" } },
          { codes: ['SEDANO_ERR_API_NOT_FOUND'] },
        ),
      },
    },
    async (request) => {
      const job = await findJob(context, request.params.id);
      const traceUrl =
        context.jaegerUiUrl !== undefined && job.traceId !== null
          ? `${context.jaegerUiUrl}/trace/${job.traceId}`
          : null;
      if (job.traceId === null) return { jobId: job.jobId, traceId: null, traceUrl, timeline: null };
      if (context.jaegerQueryUrl === undefined) {
        throw apiError('SEDANO_ERR_API_UNAVAILABLE', 'no Jaeger query URL is configured (JAEGER_QUERY_URL)');
      }
      let response: Response;
      try {
        response = await fetch(`${context.jaegerQueryUrl}/api/traces/${job.traceId}`, {
          signal: AbortSignal.timeout(JAEGER_TIMEOUT_MS),
        });
      } catch (error) {
        request.log.warn({ err: error, traceId: job.traceId }, 'Jaeger query failed');
        throw apiError('SEDANO_ERR_API_UNAVAILABLE', 'Jaeger did not answer');
      }
      // Jaeger answers 404 for a trace it has no span of (yet).
      if (response.status === 404) return { jobId: job.jobId, traceId: job.traceId, traceUrl, timeline: null };
      if (!response.ok) {
        request.log.warn({ status: response.status, traceId: job.traceId }, 'Jaeger query refused');
        throw apiError('SEDANO_ERR_API_UNAVAILABLE', `Jaeger answered ${response.status}`);
      }
      const timeline = timelineOf((await response.json()) as JaegerTraceReply, job.traceId) ?? null;
      return { jobId: job.jobId, traceId: job.traceId, traceUrl, timeline };
    },
  );
};
