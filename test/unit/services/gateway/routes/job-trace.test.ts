// The trace route against a stand-in Jaeger (a local HTTP server): what the gateway asks for,
// and what it answers when Jaeger has the trace, has it not yet, or is not configured.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import fastify from 'fastify';
import type { GatewayContext } from '../../../../../services/gateway/context.ts';
import { errorReply } from '../../../../../services/gateway/errors.ts';
import { jobTraceRoutes } from '../../../../../services/gateway/routes/job-trace.ts';
import type { JobView } from '../../../../../services/lib/status-view.ts';

const TRACE = 'b'.repeat(32);
const JOB = '00000000-0000-4000-8000-000000000007';

async function fakeJaeger(t: TestContext, status: number): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    const body = {
      data: [
        {
          traceID: TRACE,
          processes: { p1: { serviceName: 'sedano-gateway' } },
          spans: [
            { spanID: 's1', operationName: 'POST /v1/jobs', startTime: 5_000_000, duration: 2_000, processID: 'p1' },
          ],
        },
      ],
    };
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 200 ? body : {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

async function gateway(t: TestContext, jaegerQueryUrl: string | undefined, traceId: string | null = TRACE) {
  const app = fastify();
  t.after(() => app.close());
  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body } = errorReply(error, request.id);
    return reply.code(statusCode).send(body);
  });
  const view = { jobId: JOB, traceId } as JobView;
  const context = {
    view: { get: async (id: string) => (id === JOB ? view : undefined), declaredFollowUp: async () => undefined },
    jaegerUiUrl: 'http://jaeger.example:16686',
    jaegerQueryUrl,
  } as unknown as GatewayContext;
  await app.register(jobTraceRoutes, context);
  return app;
}

test("a job's trace: read from Jaeger's query API and drawn as a timeline", async (t) => {
  const jaeger = await fakeJaeger(t, 200);
  const app = await gateway(t, jaeger.url);
  const response = await app.inject({ url: `/v1/jobs/${JOB}/trace` });
  assert.equal(response.statusCode, 200);
  const body = response.json<{ traceUrl: string; timeline: { spans: { operation: string; durationMs: number }[] } }>();
  assert.deepEqual(jaeger.paths, [`/api/traces/${TRACE}`]);
  assert.equal(body.traceUrl, `http://jaeger.example:16686/trace/${TRACE}`);
  assert.deepEqual(
    body.timeline.spans.map((span) => [span.operation, span.durationMs]),
    [['POST /v1/jobs', 2]],
  );
});

test('a trace Jaeger has no span of yet is a null timeline; no query URL is a 503; an unknown job a 404', async (t) => {
  const jaeger = await fakeJaeger(t, 404);
  const waiting = await (await gateway(t, jaeger.url)).inject({ url: `/v1/jobs/${JOB}/trace` });
  assert.equal(waiting.statusCode, 200);
  assert.equal(waiting.json<{ timeline: unknown }>().timeline, null);

  const untraced = await (await gateway(t, jaeger.url, null)).inject({ url: `/v1/jobs/${JOB}/trace` });
  assert.deepEqual(untraced.json<{ traceId: unknown; timeline: unknown }>(), {
    jobId: JOB,
    traceId: null,
    traceUrl: null,
    timeline: null,
  });

  const unconfigured = await (await gateway(t, undefined)).inject({ url: `/v1/jobs/${JOB}/trace` });
  assert.equal(unconfigured.statusCode, 503);
  assert.equal(unconfigured.json<{ error: { code: string } }>().error.code, 'SEDANO_ERR_API_UNAVAILABLE');

  const unknown = await (await gateway(t, jaeger.url)).inject({ url: `/v1/jobs/${JOB.replace('7', '8')}/trace` });
  assert.equal(unknown.statusCode, 404);

  const down = await (await gateway(t, 'http://127.0.0.1:9')).inject({ url: `/v1/jobs/${JOB}/trace` });
  assert.equal(down.statusCode, 503, 'Jaeger out of reach');
});
