/**
 * `GET /healthz` (the process answers), `GET /readyz` (Kafka, the schema registry and Redis
 * answer within a few seconds; 503 naming the ones that do not) and `GET /metrics`
 * (Prometheus text, `read` scope).
 */
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.ts';

const READY_TIMEOUT_MS = 3_000;

async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function systemRoutes(app: FastifyInstance, context: GatewayContext): void {
  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['system'] } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    { schema: { summary: 'Kafka, the schema registry and Redis are reachable', tags: ['system'] } },
    async (request, reply) => {
      const checks: Record<string, () => Promise<unknown>> = {
        kafka: () => context.admin.describeCluster(),
        schemaRegistry: () => context.checkRegistry(),
        redis: () => context.redis.ping(),
      };
      const results = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await within(check(), READY_TIMEOUT_MS);
            return [name, { ok: true }] as const;
          } catch (error) {
            request.log.warn({ err: error, component: name }, 'readiness check failed');
            return [name, { ok: false, error: (error as Error).message }] as const;
          }
        }),
      );
      const ready = results.every(([, result]) => result.ok);
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'unavailable',
        checks: Object.fromEntries(results) as Record<string, unknown>,
      });
    },
  );

  app.get(
    '/metrics',
    { config: { scope: 'read' }, schema: { summary: 'Prometheus metrics', tags: ['system'] } },
    async (_request, reply) => {
      const text = await context.metrics.registry.metrics();
      return reply.type(context.metrics.registry.contentType).send(text);
    },
  );
}
