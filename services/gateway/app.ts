/**
 * The gateway's fastify instance, built from injected collaborators (main.ts builds them from
 * the environment; tests build them against the real stack on topics of their own).
 *
 * Every route except /healthz and /readyz needs a token: API routes name the scope they need,
 * the API description (/docs, /docs/json) needs `read`. Each route's own onRequest hook
 * checks the bearer token before anything else is read (so a request without a valid token is
 * a 401 or 403 whatever its body). Errors become `{ error: { code, message, … } }` replies
 * (errors.ts); bodies are validated as sent, unknown fields refused (validation.ts).
 */
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type onRequestHookHandler,
} from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { TopologyNames } from '../../topology/names.ts';
import type { RedisKeys } from '../../topology/redis-keys.ts';
import { LANES, type Stage, STAGES } from '../../topology/stages.ts';
import type { Codec } from '../lib/codec.ts';
import { createJobClient } from '../lib/job-client.ts';
import type { KafkaAdmin, KafkaProducer } from '../lib/kafka.ts';
import type { Logger } from '../lib/logger.ts';
import type { ScheduleControl } from '../scheduler/schedule-control.ts';
import { createRevocations, type Revocations } from '../lib/runtime/revocations.ts';
import type { StatusView } from '../lib/status-view.ts';
import { createWorkerPresence, type WorkerPresence } from '../lib/worker-presence.ts';
import { AccessLog, type AccessLogMode, UNMATCHED_ROUTE } from './access-log.ts';
import { type ApiToken, createAuthenticator, type Principal, type Scope } from './auth.ts';
import { installClientErrorHandler } from './client-errors.ts';
import type { GatewayContext } from './context.ts';
import { coalescedView } from '../lib/coalesced-view.ts';
import type { DeadLetterIndex } from './dead-letter-index.ts';
import { apiError, errorReply, shortened } from './errors.ts';
import { lowerCaseBodyIds, lowerCaseUrlIds } from './id-case.ts';
import { createGatewayMetrics, type MetricsSources } from './metrics.ts';
import { redactingSerializers } from '../lib/redaction.ts';
import { randomUuid } from '../lib/uuid.ts';
import { BATCH_ROUTE_NEEDS, batchRoutes } from './routes/batches.ts';
import type { CollectionSearch } from '../indexer/search.ts';
import { collectionRoutes } from './routes/collections.ts';
import { DEAD_LETTER_ROUTE_NEEDS, deadLetterRoutes } from './routes/dead-letters.ts';
import { type ExportDownloadDependencies, EXPORT_ROUTE_NEEDS, exportRoutes } from './routes/exports.ts';
import { JOB_EVENT_ROUTE_NEEDS, jobEventRoutes } from './routes/job-events.ts';
import { JOB_TRACE_ROUTE_NEEDS, jobTraceRoutes } from './routes/job-trace.ts';
import { JOB_ROUTE_NEEDS, jobRoutes } from './routes/jobs.ts';
import { modelRoutes } from './routes/models.ts';
import type { ModelCatalog } from '../trainer/model-catalog.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { STAGE_ROUTE_NEEDS, stageRoutes } from './routes/stages.ts';
import { SYSTEM_ROUTE_NEEDS, systemRoutes } from './routes/system.ts';
import { uiRoutes } from './routes/ui.ts';
import { WORKER_ROUTE_NEEDS, workerRoutes } from './routes/workers.ts';
import { readStageGroup } from './stage-lag.ts';
import { gatewayTopics, type GatewayTopics, routedProducer, stageSymbol } from './topics.ts';
import { compileValidator } from './validation.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a token needs for the route; no scope: a public route. */
    scope?: Scope;
  }
  interface FastifyRequest {
    /** Who made the request (set by the auth hook on routes with a scope). */
    principal: Principal | null;
    /** The URL pattern of the route that took the request (`/v1/jobs/:id`); `unmatched` for none. */
    routeUrl: string;
  }
}

export interface GatewayDependencies {
  admin: KafkaAdmin;
  producer: KafkaProducer;
  codec: Codec;
  /** For the gateway's own keys, dead letters, revocations, worker presence and metrics. */
  redis: Redis;
  view: StatusView;
  tokens: readonly ApiToken[];
  logger: Logger;
  deadLetters: DeadLetterIndex;
  /** Resolves when the schema registry answers. */
  checkRegistry: () => Promise<void>;
  /** The namespace's topics, groups and subjects. */
  names: TopologyNames;
  /** The namespace's Redis keys. */
  keys: RedisKeys;
  /** Default: the namespace's topics (tests give their own). */
  topics?: GatewayTopics;
  revocations?: Revocations;
  workers?: WorkerPresence;
  jaegerUiUrl?: string;
  /** Base URL of Jaeger's query API, for `GET /v1/jobs/:id/trace` (none: that route answers 503). */
  jaegerQueryUrl?: string;
  /** Event stream timing: how often the view is read, how often a heartbeat comment is sent (ms). */
  sse?: { pollIntervalMs?: number; heartbeatMs?: number; appearWithinMs?: number };
  /** Largest request body, in bytes (default 1 MiB, a job topic's largest record). */
  bodyLimitBytes?: number;
  /** Collection search for `POST /v1/collections/:name/search` (none: it answers 503). */
  collections?: CollectionSearch;
  /** The export storage of `GET /v1/exports/:id` (none: it answers 503). */
  exports?: ExportDownloadDependencies;
  /** The model registry's read side for `GET /v1/models…` (none: the routes are not registered). */
  models?: ModelCatalog;
  /** The maintenance schedules (services/scheduler/schedule-control.ts); none: no /v1/schedules routes. */
  schedules?: ScheduleControl;
  /** Which answered requests are logged at info (access-log.ts; default `writes-and-errors`). */
  accessLog?: AccessLogMode;
  /** The registry of `/metrics` (default: a new one); main.ts shares it with the job metrics. */
  metricsRegistry?: Registry;
  now?: () => number;
}

function metricSources(context: GatewayContext): MetricsSources {
  return {
    async jobCounts() {
      const counts = await context.view.countsByStageAndState(STAGES.map(stageSymbol));
      return counts.map(({ stage, state, count }) => ({ stage: stage.toLowerCase() as Stage, state, count }));
    },
    async inFlight() {
      const workers = await context.workers.list();
      return STAGES.map((stage) => ({
        stage,
        count: workers.filter((worker) => worker.stage === stage).reduce((sum, w) => sum + w.running.length, 0),
      }));
    },
    deadLetters: () => context.deadLetters.count(),
    async lag() {
      const groups = await Promise.all(
        STAGES.map((stage) => readStageGroup(context.admin, context.topics.stages[stage])),
      );
      return STAGES.flatMap((stage, i) => LANES.map((lane) => ({ stage, lane, lag: groups[i]!.lanes[lane].lag })));
    },
  };
}

/** Only the named collaborators of the context, for a route plugin that uses those alone. */
function pick<K extends keyof GatewayContext>(context: GatewayContext, keys: readonly K[]): Pick<GatewayContext, K> {
  return Object.fromEntries(keys.map((key) => [key, context[key]])) as Pick<GatewayContext, K>;
}

/** The longest path parameter the router accepts, in characters (fastify's default, said in the 414's message). */
const MAX_PARAM_LENGTH = 100;

/** The methods the gateway's routes take (HEAD with every GET), looked up for a 405's `Allow`. */
const ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The default largest request body: a job topic's largest record, in bytes. */
const DEFAULT_BODY_LIMIT_BYTES = 1_048_576;

const PROTOTYPE_KEYS_REFUSED =
  'the body has a "__proto__" key, or a "constructor" key holding "prototype": the API refuses them';

/** Whether `text` is JSON to the language's own parser, which knows nothing of prototype keys. */
function isPlainJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export async function buildGatewayApp(dependencies: GatewayDependencies): Promise<FastifyInstance> {
  const { logger, redis } = dependencies;
  const { names, keys } = dependencies;
  const topics = dependencies.topics ?? gatewayTopics(names);
  // Every URL and error the gateway logs is redacted (services/lib/redaction.ts): tokens sent in a query string
  // or a cookie never reach the log. Typed as fastify's base logger, so the instance has the
  // default type the route modules take.
  const baseLogger: FastifyBaseLogger = logger.child({}, { serializers: redactingSerializers });
  const context: GatewayContext = {
    admin: dependencies.admin,
    producer: dependencies.producer,
    codec: dependencies.codec,
    redis,
    keys,
    // Concurrent reads of jobs share one MGET (coalesced-view.ts).
    view: coalescedView(dependencies.view),
    jobClient: createJobClient({
      producer: routedProducer(dependencies.producer, names, topics),
      codec: dependencies.codec,
      names,
      submitter: 'sedano-gateway',
    }),
    topics,
    revocations: dependencies.revocations ?? createRevocations({ redis, keys }),
    deadLetters: dependencies.deadLetters,
    workers: dependencies.workers ?? createWorkerPresence({ redis, keys }),
    metrics: undefined as never,
    checkRegistry: dependencies.checkRegistry,
    jaegerUiUrl: dependencies.jaegerUiUrl,
    jaegerQueryUrl: dependencies.jaegerQueryUrl?.replace(/\/+$/, ''),
    sse: {
      pollIntervalMs: dependencies.sse?.pollIntervalMs ?? 200,
      heartbeatMs: dependencies.sse?.heartbeatMs ?? 15_000,
      appearWithinMs: dependencies.sse?.appearWithinMs ?? 5_000,
    },
    now: dependencies.now ?? Date.now,
  };
  context.metrics = createGatewayMetrics(metricSources(context), logger, dependencies.metricsRegistry);
  const accessLog = new AccessLog(dependencies.accessLog ?? 'writes-and-errors', context.metrics);
  const app = fastify({
    loggerInstance: baseLogger,
    requestIdHeader: 'x-request-id',
    // A random UUID, unless the client sent one (x-request-id); uuid.ts says why not randomUUID.
    genReqId: () => randomUuid(),
    // Errors fastify meets before routing (a bad URL, a parameter over maxParamLength) get the same bodies.
    frameworkErrors: (error, request, reply) => {
      const { statusCode, body } = errorReply(error, request.id, { maxParamLength: MAX_PARAM_LENGTH });
      // Typed for any route generic here; the reply is a plain one. No onRequest hook ran for
      // it, so its x-request-id is set here.
      void (reply as FastifyReply).code(statusCode).header('x-request-id', request.id).send(body);
      accessLog.frameworkErrorAnswered(request, statusCode);
    },
    // Errors of Node's HTTP parser (a request fastify never sees) get the same bodies, logged as the client's fault.
    clientErrorHandler: installClientErrorHandler(baseLogger),
    bodyLimit: dependencies.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // One access line per answered request (access-log.ts), rather than fastify's two; it
    // observes the request metric too.
    logController: accessLog,
  });
  // Bodies are JSON only: fastify's text/plain parser would hand a route a string, refused as a
  // validation error (400) where any other content type gets 415.
  app.removeContentTypeParser('text/plain');
  // fastify's own JSON parser (it refuses `__proto__` and `constructor.prototype` keys), with a
  // message that says so: its own, "Body is not valid JSON", misleads for a body that is. The
  // ids a body names are made lower case as it is parsed (id-case.ts).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // A string, as `parseAs` asks; fastify's types give the parser either kind.
    const text = body.toString();
    // fastify's default parser answers through `done`; its type allows a promise it never returns.
    void parseJson(request, text, (error, value) => {
      if (error !== null && isPlainJson(text)) {
        done(apiError('SEDANO_ERR_API_MALFORMED_JSON', PROTOTYPE_KEYS_REFUSED), undefined);
      } else done(error, lowerCaseBodyIds(value));
    });
  });
  app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(schema, httpPart ?? 'body'));
  // Response schemas document the answers (/docs/json); replies are sent as built, not filtered by them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.decorateRequest('principal', null);
  app.decorateRequest('routeUrl', UNMATCHED_ROUTE);

  const auth = createAuthenticator(dependencies.tokens);
  // Callback hooks rather than async ones: every request runs them, and an async hook costs a
  // promise and a microtask turn each (measured in `npm run bench -- api`).
  // The request id is set on the reply first thing, so every answer (an error's too: fastify
  // keeps a reply's headers when it fails) carries it; as an onSend hook it cost every request a
  // hook of its own.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // Ids are read in lower case, whatever case the client sent them in (id-case.ts); a body's
    // as it is parsed (above).
    lowerCaseUrlIds(request);
    done();
  });
  // What a request needs of its route (the URL pattern the access log and the metrics name, the
  // scope a token needs) is bound to the route as it is registered, in a hook of its own that
  // runs after the one above. fastify's `request.routeOptions` builds an object of twelve fields
  // on every read, and every request read it twice (docs/benchmarks.md, the thirty-first round).
  app.addHook('onRoute', (route) => {
    const { url } = route;
    const scope = route.config?.scope;
    const bindRoute: onRequestHookHandler = (request, _reply, done) => {
      request.routeUrl = url;
      if (scope === undefined) return done();
      try {
        request.principal = auth.authorize(request.headers.authorization, scope);
      } catch (error) {
        return done(error as Error);
      }
      done();
    };
    route.onRequest = [bindRoute, ...[route.onRequest ?? []].flat()];
  });
  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body, serverFault } = errorReply(error, request.id, {
      bodyLimitBytes: request.routeOptions.bodyLimit,
      contentType: request.headers['content-type'],
    });
    if (serverFault) request.log.error({ err: error, code: body.error.code }, 'request failed');
    else request.log.info({ code: body.error.code, status: statusCode }, body.error.message);
    return reply.code(statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A path the gateway serves, asked with another method, is a 405 naming the methods it takes (RFC 9110 15.5.6).
    const allowed = ROUTE_METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      const { statusCode, body } = errorReply(
        apiError(
          'SEDANO_ERR_API_METHOD_NOT_ALLOWED',
          `${shortened(path)} does not take ${request.method}; it takes ${allowed.join(', ')}`,
        ),
        request.id,
      );
      return reply.code(statusCode).header('allow', allowed.join(', ')).send(body);
    }
    const { statusCode, body } = errorReply(
      { code: 'FST_ERR_NOT_FOUND', message: `no route ${request.method} ${shortened(path)}` },
      request.id,
    );
    return reply.code(statusCode).send(body);
  });

  // Replies of 1 KiB or more go compressed to a client that accepts it (zstd, br or gzip; never
  // an event stream): the dashboard's list of 25 jobs, with their results and payloads, is tens
  // of kilobytes, asked for every 3 s. Request bodies are taken as sent (no decompression hook).
  await app.register(compress, { globalDecompression: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'sedano gateway', version: '1', description: 'Submit, watch and manage background jobs.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiHooks: {
      onRequest: (request, _reply, next) => {
        request.principal = auth.authorize(request.headers.authorization, 'read');
        next();
      },
    },
  });

  await app.register(systemRoutes, pick(context, SYSTEM_ROUTE_NEEDS));
  await app.register(jobRoutes, pick(context, JOB_ROUTE_NEEDS));
  await app.register(jobEventRoutes, pick(context, JOB_EVENT_ROUTE_NEEDS));
  await app.register(batchRoutes, pick(context, BATCH_ROUTE_NEEDS));
  await app.register(stageRoutes, pick(context, STAGE_ROUTE_NEEDS));
  await app.register(deadLetterRoutes, pick(context, DEAD_LETTER_ROUTE_NEEDS));
  await app.register(collectionRoutes, { search: dependencies.collections });
  await app.register(exportRoutes, { ...pick(context, EXPORT_ROUTE_NEEDS), exports: dependencies.exports });
  if (dependencies.models !== undefined) await app.register(modelRoutes, { catalog: dependencies.models });
  const schedules = dependencies.schedules;
  if (schedules !== undefined) {
    await app.register(async (scope) => scheduleRoutes(scope, { control: schedules, view: context.view }));
  }
  await app.register(jobTraceRoutes, pick(context, JOB_TRACE_ROUTE_NEEDS));
  await app.register(workerRoutes, pick(context, WORKER_ROUTE_NEEDS));
  await app.register(uiRoutes);
  return app;
}
