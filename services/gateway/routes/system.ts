/**
 * `GET /healthz` (the process answers), `GET /readyz` (Kafka, the schema registry and Redis
 * answer within a few seconds; 503 naming the ones that do not) and `GET /metrics`
 * (Prometheus text, `read` scope).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { GatewayContext } from '../context.ts';
import { routeResponses } from '../schemas.ts';

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

/** What the system routes use of the gateway's collaborators. */
export const SYSTEM_ROUTE_NEEDS = [
  'admin',
  'checkRegistry',
  'metrics',
  'redis',
] as const satisfies readonly (keyof GatewayContext)[];

const readiness = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ready', 'unavailable'] }, checks: { type: 'object' } },
  additionalProperties: true,
} as const;

/** The system routes, a fastify plugin given only what they use. */
export const systemRoutes: FastifyPluginAsync<Pick<GatewayContext, (typeof SYSTEM_ROUTE_NEEDS)[number]>> = async (
  app,
  context,
) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'The process is up',
        tags: ['system'],
        response: routeResponses({ 200: { description: 'Up' } }, { scoped: false, validated: false, backed: false }),
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Kafka, the schema registry and Redis are reachable',
        tags: ['system'],
        // A 503 here is the readiness answer itself (each check named), not an error body.
        response: {
          200: { description: 'Every backing service answered', ...readiness },
          503: { description: 'A backing service did not answer; `checks` names it', ...readiness },
        },
      },
    },
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
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Prometheus metrics',
        tags: ['system'],
        response: routeResponses(
          { 200: { description: 'Prometheus text', contentType: 'text/plain', schema: { type: 'string' } } },
          { validated: false },
        ),
      },
    },
    async (_request, reply) => {
      const text = await context.metrics.registry.metrics();
      return reply.type(context.metrics.registry.contentType).send(text);
    },
  );
};
