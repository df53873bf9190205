/**
 * `GET /v1/jobs/:id/events`: Server-Sent Events of a job's status changes. The current state
 * is sent first (so a client that connects late misses nothing it needs), then each change
 * as the view shows it, and the stream ends after a terminal state. A comment line every
 * `heartbeatMs` keeps proxies from closing an idle stream.
 *
 * A job submitted a moment ago is in the view once the projector has applied its PENDING: a
 * stream for a job not in the view waits up to `appearWithinMs` for it before answering 404,
 * so `submit` then `watch` works without the client retrying.
 *
 * Changes are found by reading the job's view every `pollIntervalMs` (one Redis GET): the
 * projector publishes no change notifications, and reading the view keeps the events exactly
 * what `GET /v1/jobs/:id` shows. Each event's id is the job's status sequence.
 */
import type { FastifyPluginAsync } from 'fastify';
import { TERMINAL_STATES, type JobView } from '../../lib/status-view.ts';
import type { GatewayContext } from '../context.ts';
import { jobIdParams, routeResponses } from '../schemas.ts';
import { jobReply, notFound, readJob } from './jobs.ts';

/** The job's view once it is there, waiting up to `appearWithinMs`; SEDANO_ERR_API_NOT_FOUND after that. */
async function jobWhenInView(
  context: Pick<GatewayContext, 'view' | 'codec' | 'now' | 'sse'>,
  jobId: string,
): Promise<JobView> {
  const deadline = context.now() + context.sse.appearWithinMs;
  for (;;) {
    const view = await readJob(context, jobId);
    if (view !== undefined) return view;
    if (context.now() >= deadline) throw notFound('job', jobId);
    await new Promise((resolve) => setTimeout(resolve, context.sse.pollIntervalMs));
  }
}

/** One SSE frame (pure). */
export function sseFrame(event: string, id: string, data: unknown): string {
  return `event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** What the event stream uses of the gateway's collaborators. */
export const JOB_EVENT_ROUTE_NEEDS = [
  'view',
  'codec',
  'now',
  'sse',
  'jaegerUiUrl',
] as const satisfies readonly (keyof GatewayContext)[];

/** The event stream route, a fastify plugin given only what it uses. */
export const jobEventRoutes: FastifyPluginAsync<Pick<GatewayContext, (typeof JOB_EVENT_ROUTE_NEEDS)[number]>> = async (
  app,
  context,
) => {
  // Open streams end when the server closes: the HTTP server's close waits for every request, and
  // a stream would otherwise hold a SIGTERMed gateway until its job ends. Clients reconnect.
  const openStreams = new Set<() => void>();
  let serverClosing = false;
  app.addHook('preClose', (done) => {
    serverClosing = true;
    for (const finish of openStreams) finish();
    done();
  });
  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id/events',
    {
      config: { scope: 'read' },
      schema: {
        summary: "A job's status changes as Server-Sent Events, ending after its terminal state",
        tags: ['jobs'],
        params: jobIdParams,
        response: routeResponses(
          {
            200: {
              description: 'Server-Sent Events: `status` events (data: the job as `GET /v1/jobs/:id` shows it)',
              contentType: 'text/event-stream',
              schema: { type: 'string' },
            },
          },
          { codes: ['SEDANO_ERR_API_NOT_FOUND'] },
        ),
      },
    },
    async (request, reply) => {
      const first = await jobWhenInView(context, request.params.id);
      reply.hijack();
      const stream = reply.raw;
      stream.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-request-id': request.id,
        // Proxies such as nginx would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      });
      let closed = false;
      let pollTimer: NodeJS.Timeout | undefined;
      const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), context.sse.heartbeatMs);
      heartbeat.unref();
      const finish = () => {
        if (closed) return;
        closed = true;
        openStreams.delete(finish);
        clearInterval(heartbeat);
        clearTimeout(pollTimer);
        stream.end();
      };
      openStreams.add(finish);
      stream.on('close', finish);
      let last: JobView = first;
      const send = (view: JobView) =>
        stream.write(sseFrame('status', String(view.sequence), jobReply(view, context.now(), context.jaegerUiUrl)));
      send(first);
      // A stream that waited for its job while the server began to close ends at once too.
      if (TERMINAL_STATES.has(first.state) || serverClosing) return finish();
      const poll = async () => {
        if (closed) return;
        try {
          const view = await readJob(context, first.jobId);
          if (view === undefined) {
            stream.write(
              sseFrame('error', String(last.sequence), {
                code: 'SEDANO_ERR_API_NOT_FOUND',
                message: 'the job left the status view',
              }),
            );
            return finish();
          }
          if (view.sequence !== last.sequence) {
            last = view;
            send(view);
            if (TERMINAL_STATES.has(view.state)) return finish();
          }
        } catch (error) {
          // A Redis hiccup does not end the stream; the next poll tries again.
          request.log.warn({ err: error, jobId: first.jobId }, 'reading the job for its event stream failed');
        }
        if (!closed) pollTimer = setTimeout(() => void poll(), context.sse.pollIntervalMs);
      };
      pollTimer = setTimeout(() => void poll(), context.sse.pollIntervalMs);
    },
  );
};
