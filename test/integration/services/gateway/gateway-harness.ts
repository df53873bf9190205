/**
 * A gateway on the real stack for API tests: listening on a free loopback port, wired to a
 * stage sandbox's topics (its noop lanes, status and control topics), a status projector and
 * view of its own, a dead-letter topic and index of its own, and the Redis keys of the sandbox's
 * own namespace (the other names are the test run's). Optionally a noop stage runtime runs the
 * jobs. Everything is removed when the test ends.
 */
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import type { DeadLetterRecord } from '../../../../schemas/dead-letter-record.ts';
import { createStatusView, type StatusView } from '../../../../services/lib/status-view.ts';
import { createRevocations } from '../../../../services/lib/runtime/revocations.ts';
import { startStatusProjector } from '../../../../services/status-projector/projector.ts';
import { createNoopStage } from '../../../../services/noop/noop-stage.ts';
import type { Stage } from '../../../../topology/stages.ts';
import { buildGatewayApp } from '../../../../services/gateway/app.ts';
import type { ScheduleControl } from '../../../../services/scheduler/schedule-control.ts';
import type { ApiToken } from '../../../../services/gateway/auth.ts';
import { createDeadLetterIndex, startDeadLetterIndexer } from '../../../../services/gateway/dead-letter-index.ts';
import {
  gatewayTopics,
  type GatewayTopics,
  learnGatewayWrites,
  routedProducer,
} from '../../../../services/gateway/topics.ts';
import { adminWithDeadline, codecWithDeadline, producerWithDeadline } from '../../../../services/gateway/deadlines.ts';
import type { CollectionSearch } from '../../../../services/indexer/search.ts';
import type { ExportDownloadDependencies } from '../../../../services/gateway/routes/exports.ts';
import type { ModelCatalog } from '../../../../services/trainer/model-catalog.ts';
import {
  createTestTopic,
  endpoints,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  redisClient,
  uniqueName,
} from '../../../support/resources.ts';
import { stageSandbox } from '../lib/runtime/stage-sandbox.ts';

export const TOKENS = {
  admin: { token: 'test-admin-token-0001', scopes: ['submit', 'read', 'admin'], name: 'test-admin' },
  reader: { token: 'test-reader-token-0002', scopes: ['read'], name: 'test-reader' },
  submitter: { token: 'test-submitter-token-0003', scopes: ['submit'], name: 'test-submitter' },
} as const satisfies Record<string, ApiToken>;

export type TokenName = keyof typeof TOKENS;

export interface GatewayHarness {
  baseUrl: string;
  topics: GatewayTopics;
  /** fetch against the gateway with a token (default admin; null for none). */
  call(method: string, path: string, options?: CallOptions): Promise<Response>;
  /** Produces a dead-letter record to the gateway's dead-letter topic. */
  deadLetter(record: DeadLetterRecord): Promise<void>;
  sandbox: Awaited<ReturnType<typeof stageSandbox>>;
  /** The gateway's status view (its projector fills it from the sandbox's status topic). */
  view: StatusView;
  /** The namespace of the view's keys (the sandbox's), for workers that read it. */
  viewNamespace: string;
  /** The URL of every request the gateway's HTTP server received, in order (its access lines come only at the end). */
  received: string[];
  /** Closes the gateway's HTTP server (as its shutdown does); the test's end closes it too. */
  close(): Promise<void>;
}

export interface CallOptions {
  /** A token's name in TOKENS, another token value, or null for none (default admin). */
  token?: string | null;
  /** A JSON body (serialised) or raw text. */
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export interface GatewayHarnessOptions {
  /** Runs a noop stage runtime on the sandbox's topics. */
  worker?: boolean;
  /** Collection search (none: the search route answers 503). */
  collections?: CollectionSearch;
  /** The export storage of downloads (none: the download route answers 503). */
  exports?: ExportDownloadDependencies;
  /** The model registry's read side (none: the model routes are not registered). */
  models?: ModelCatalog;
  /** When given, the gateway's own log lines (JSON, from level debug: successful reads' access lines too) are pushed here. */
  logLines?: string[];
  /** The stage whose topics the sandbox's lanes stand for (default noop), for a test running that stage's runtime on them. */
  stage?: Stage;
  /** The maintenance schedules behind /v1/schedules (none: no such routes). */
  schedules?: (topics: GatewayTopics) => ScheduleControl;
  /** Base URL of Jaeger's query API, for the trace timeline route (none: it answers 503). */
  jaegerQueryUrl?: string;
  /** The registry of the gateway's `/metrics` (default: its own). */
  metricsRegistry?: Registry;
  /**
   * The gateway's SEDANO_GATEWAY_REDIS_TIMEOUT_MS, as its main.ts gives its connections: a command
   * on the view's connection unanswered by then fails (default: none, ioredis's defaults).
   */
  redisTimeoutMs?: number;
  /** The gateway's SEDANO_GATEWAY_KAFKA_TIMEOUT_MS, as its main.ts bounds its producer and admin (default: none). */
  kafkaTimeoutMs?: number;
  /** The gateway's SEDANO_GATEWAY_REGISTRY_TIMEOUT_MS, as its main.ts bounds its requests' codec (default: none). */
  registryTimeoutMs?: number;
  /**
   * Learns the schema ids of the subjects the gateway writes before it listens, as its main.ts
   * does at start (there in the background; default: no, each is learned at its first write).
   */
  learnWrites?: boolean;
}

export async function startGateway(t: TestContext, options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const sandbox = await stageSandbox(t);
  const admin = await kafkaAdmin(t);
  const deadLetterTopic = (await createTestTopic(t, admin, { prefix: 'test-dead-letter' })).name;
  const batchesTopic = (await createTestTopic(t, admin, { prefix: 'test-batches' })).name;
  const { names, keys } = sandbox;
  const { redis } = redisClient(t);
  // The view needs a connection of its own (its transactions WATCH keys).
  const viewRedis = new Redis(
    endpoints().redisUrl,
    options.redisTimeoutMs === undefined ? {} : { commandTimeout: options.redisTimeoutMs },
  );
  viewRedis.on('error', () => {});
  const view = createStatusView({ redis: viewRedis, keys: keys.status });
  onCleanup(t, async () => {
    await view.clear();
    viewRedis.disconnect();
  });
  const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
  const kafka = kafkaClient();
  const declared = gatewayTopics(names);
  const [high, normal, low] = sandbox.topics.lanes;
  const topics: GatewayTopics = {
    ...declared,
    stages: {
      ...declared.stages,
      [options.stage ?? 'noop']: {
        lanes: { high: high!, normal: normal!, low: low! },
        retry: Object.values(sandbox.topics.retry),
        groupId: sandbox.topics.groupId,
      },
    },
    status: sandbox.topics.status,
    batches: batchesTopic,
    control: sandbox.topics.control,
    deadLetter: deadLetterTopic,
    deadLetterGroup: uniqueName('test-gateway-dead-letters'),
  };
  const projector = await startStatusProjector({
    // A batch declaration names its follow-up's declared lane: the projector's producer sends it
    // to the sandbox lane, as the gateway's producer does with every request.
    kafka: {
      ...kafka,
      async producer() {
        const producer = await kafka.producer();
        return { ...routedProducer(producer, names, topics), close: () => producer.close() };
      },
    },
    codec: sandbox.codec,
    view,
    logger,
    names,
    topic: topics.status,
    batchTopic: topics.batches,
    groupId: uniqueName('test-gateway-projector'),
  });
  onCleanup(t, () => projector.close());
  const deadLetters = createDeadLetterIndex({ redis, keys });
  const indexer = await startDeadLetterIndexer({
    kafka,
    codec: sandbox.codec,
    index: deadLetters,
    topic: deadLetterTopic,
    groupId: topics.deadLetterGroup,
    logger,
  });
  onCleanup(t, () => indexer.close());
  const gatewayAdmin =
    options.kafkaTimeoutMs === undefined
      ? await kafka.admin()
      : adminWithDeadline(await kafka.admin(), options.kafkaTimeoutMs);
  onCleanup(t, () => gatewayAdmin.close());
  if (options.worker) await sandbox.start(createNoopStage());
  const app = await buildGatewayApp({
    admin: gatewayAdmin,
    producer:
      options.kafkaTimeoutMs === undefined
        ? sandbox.producer
        : producerWithDeadline(sandbox.producer, options.kafkaTimeoutMs),
    codec:
      options.registryTimeoutMs === undefined
        ? sandbox.codec
        : codecWithDeadline(sandbox.codec, options.registryTimeoutMs),
    redis,
    view,
    tokens: Object.values(TOKENS),
    logger:
      options.logLines === undefined
        ? logger
        : pino({ level: 'debug' }, { write: (line) => options.logLines?.push(line) }),
    deadLetters,
    names,
    keys,
    topics,
    revocations: createRevocations({ redis, keys }),
    // The sandbox worker publishes its presence here, as real workers do in their namespace.
    workers: sandbox.presence,
    jaegerUiUrl: 'http://jaeger.test:16686',
    sse: { pollIntervalMs: 50, heartbeatMs: 1_000, appearWithinMs: 2_000 },
    ...(options.collections === undefined ? {} : { collections: options.collections }),
    ...(options.exports === undefined ? {} : { exports: options.exports }),
    ...(options.models === undefined ? {} : { models: options.models }),
    ...(options.schedules === undefined ? {} : { schedules: options.schedules(topics) }),
    ...(options.jaegerQueryUrl === undefined ? {} : { jaegerQueryUrl: options.jaegerQueryUrl }),
    ...(options.metricsRegistry === undefined ? {} : { metricsRegistry: options.metricsRegistry }),
    async checkRegistry() {
      const response = await fetch(`${endpoints().schemaRegistryUrl}/subjects`);
      if (!response.ok) throw new Error(`registry answered ${response.status}`);
    },
  });
  if (options.learnWrites) await learnGatewayWrites(sandbox.codec, topics);
  // Cleanups run in reverse order: the app closes before the worker, projector and clients.
  onCleanup(t, () => app.close());
  const received: string[] = [];
  app.server.on('request', (request: { url?: string }) => received.push(request.url ?? ''));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the gateway listens on no TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    baseUrl,
    topics,
    sandbox,
    view,
    viewNamespace: keys.namespace,
    received,
    close: () => app.close(),
    async call(method, path, { token = 'admin', json, body, headers = {} } = {}) {
      const all: Record<string, string> = { ...headers };
      if (token !== null) {
        const value = token in TOKENS ? TOKENS[token as TokenName].token : token;
        all['authorization'] = `Bearer ${value}`;
      }
      let payload: string | Buffer | undefined = body;
      if (json !== undefined) {
        payload = JSON.stringify(json);
        all['content-type'] ??= 'application/json';
      }
      return fetch(`${baseUrl}${path}`, { method, headers: all, body: payload });
    },
    async deadLetter(record) {
      const value = await sandbox.codec.encode(topics.contracts.deadLetter, record);
      await sandbox.producer.send(deadLetterTopic, [{ key: `${record.sourceTopic}/${record.sourceOffset}`, value }]);
    },
  };
}

/** Reads a Server-Sent Events stream to its end; resolves with its events' data, parsed. */
export async function readEvents(response: Response): Promise<{ event: string; id: string; data: unknown }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('event:'))
    .map((frame) => {
      const fields = Object.fromEntries(
        frame.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      return {
        event: fields['event'] ?? '',
        id: fields['id'] ?? '',
        data: JSON.parse(fields['data'] ?? 'null') as unknown,
      };
    });
}
