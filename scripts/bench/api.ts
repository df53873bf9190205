/**
 * `npm run bench -- api`: requests per second and latency of the status API's
 * `GET /v1/jobs/:id` (token check, Redis read, progress estimate, JSON) next to a bare fastify
 * hello-world, measured with autocannon on loopback in the same run, with the same connections
 * and duration, and the ratio of the two (issue 12's target); beside them the same hello-world
 * answering with the GET's own reply (679 bytes of JSON against 17), so the table also says how
 * much of the gap is the reply's size and how much the gateway's work. Then `POST /v1/jobs` (a
 * noop job: validation, the request and its PENDING event produced to Kafka, acks from all
 * replicas, before the 202). Prints figures; asserts nothing about time.
 *
 * The gateway is the real one (buildGatewayApp) on the real Redis and Kafka, logging at info to a
 * file as a deployed gateway does (its access log's default mode), with its Redis and Kafka
 * timeouts (SEDANO_GATEWAY_REDIS_TIMEOUT_MS, SEDANO_GATEWAY_KAFKA_TIMEOUT_MS); the job read is a
 * real job view, written by the status view's own apply under a namespace of the benchmark's,
 * removed at the end. The servers and the load generator share this process (and its CPU), as
 * each side of the ratio does alike; with `--load-process`, autocannon runs in a child process
 * (api-load.ts), and the ratio is that of the servers' own cost per request (docs/benchmarks.md).
 *
 * The three take turns in short rounds (`--rounds`, the order reversed every round), and each
 * side's figures add its rounds up: on a shared machine the load of the other processes changes
 * within seconds, and two 10 s phases one after the other measured that change as much as the
 * route (ten runs of the same code gave 0.38x to 1.05x).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fastify from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import { buildGatewayApp } from '../../services/gateway/app.ts';
import { gatewaySettings } from '../../services/gateway/config.ts';
import { adminWithDeadline, codecWithDeadline, producerWithDeadline } from '../../services/gateway/deadlines.ts';
import { resolveSettings } from '../../services/lib/settings.ts';
import { createDeadLetterIndex } from '../../services/gateway/dead-letter-index.ts';
import { createCodec } from '../../services/lib/codec.ts';
import { resolveEndpoints } from '../../services/lib/endpoints.ts';
import { newJobId } from '../../services/lib/job-ids.ts';
import { createKafkaClient } from '../../services/lib/kafka.ts';
import { kafkaConnection } from '../../services/lib/kafka-connection.ts';
import { payloadPreview } from '../../services/lib/payload-preview.ts';
import { createSchemaRegistry, deleteSubject, registryRequest } from '../../services/lib/schema-registry.ts';
import { createStatusView } from '../../services/lib/status-view.ts';
import { topologyNames } from '../../topology/names.ts';
import { redisKeys } from '../../topology/redis-keys.ts';
import { declaredTopics, LANES } from '../../topology/topics.ts';
import { type AllocationSite, withAllocationProfile } from './allocation-profile.ts';
import { type AutocannonResult, autocannon, autocannonInChildProcess } from './api-load.ts';
import { deleteKeys } from './cleanup.ts';

export const API_SYNOPSIS =
  'npm run bench -- api [--duration 10] [--rounds 5] [--connections 50] [--load-process] [--allocations | --json]';

export interface ApiBenchOptions {
  /** Seconds of load on each target in all (the GET and the two hello-worlds: split over the rounds). */
  durationSeconds: number;
  /** Turns the GET and the two hello-worlds take, alternately. */
  rounds: number;
  connections: number;
  /** autocannon in a child process rather than beside the servers (api-load.ts). */
  loadProcess: boolean;
  /** After the rounds, one more of each side under the heap profiler: bytes allocated per request (allocation-profile.ts). */
  allocations: boolean;
  json: boolean;
}

export function parseApiOptions(args: readonly string[]): ApiBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '50' },
      'load-process': { type: 'boolean', default: false },
      allocations: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const whole = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`--${name}: expected a whole number above 0, got "${value}"`);
    return n;
  };
  if (values.allocations && values.json) {
    throw new RangeError('--allocations prints its figures under the table: it does not combine with --json');
  }
  return {
    durationSeconds: whole('duration', values.duration),
    rounds: whole('rounds', values.rounds),
    connections: whole('connections', values.connections),
    loadProcess: values['load-process'],
    allocations: values.allocations,
    json: values.json,
  };
}

export interface ApiFigures {
  target: string;
  requestsPerSecond: number;
  p50Ms: number;
  p97_5Ms: number;
  p99Ms: number;
  failures: number;
}

/**
 * One target's figures over its rounds (pure): requests per second over all of them, and each
 * latency percentile as the median of the rounds' (autocannon gives no histogram to merge).
 */
export function combinedFigures(target: string, rounds: readonly AutocannonResult[]): ApiFigures {
  const median = (values: number[]) => {
    const sorted = values.toSorted((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const seconds = rounds.reduce((sum, round) => sum + round.duration, 0);
  return {
    target,
    requestsPerSecond: rounds.reduce((sum, round) => sum + round.requests.total, 0) / seconds,
    p50Ms: median(rounds.map((round) => round.latency.p50)),
    p97_5Ms: median(rounds.map((round) => round.latency.p97_5)),
    p99Ms: median(rounds.map((round) => round.latency.p99)),
    failures: rounds.reduce((sum, round) => sum + round.non2xx + round.errors, 0),
  };
}

function figures(target: string, result: AutocannonResult): ApiFigures {
  return {
    target,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p97_5Ms: result.latency.p97_5,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors,
  };
}

/** `a` as a multiple of `b`; `-` when `b` is 0 (autocannon rounds latencies to whole milliseconds). */
function ratio(a: number, b: number): string {
  return b === 0 ? '-' : `${(a / b).toFixed(2)}x`;
}

/** A row of ratios under the table: `of` as a multiple of `to`, column by column. */
export interface ApiRatio {
  label: string;
  of: ApiFigures;
  to: ApiFigures;
}

/** The printed table (pure): one row per target, then a row per ratio (the gateway's to hello-world's). */
export function formatApiTable(rows: readonly ApiFigures[], ratios: readonly ApiRatio[]): string {
  const header = ['target', 'req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'failures'];
  const cells = [
    header,
    ...rows.map((row) => [
      row.target,
      row.requestsPerSecond.toFixed(0),
      row.p50Ms.toFixed(2),
      row.p97_5Ms.toFixed(2),
      row.p99Ms.toFixed(2),
      String(row.failures),
    ]),
  ];
  for (const { label, of, to } of ratios) {
    cells.push([
      label,
      ratio(of.requestsPerSecond, to.requestsPerSecond),
      ratio(of.p50Ms, to.p50Ms),
      ratio(of.p97_5Ms, to.p97_5Ms),
      ratio(of.p99Ms, to.p99Ms),
      '',
    ]);
  }
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export async function runApiBenchmark(options: ApiBenchOptions): Promise<number> {
  const endpoints = resolveEndpoints(process.env);
  // The gateway logs as deployed (LOG_LEVEL's default, info) to a file: its access lines are part
  // of what a request costs.
  const logDir = mkdtempSync(join(tmpdir(), 'sedano-bench-api-'));
  const logFile = join(logDir, 'gateway.log');
  const logger = pino({ level: 'info' }, pino.destination({ dest: logFile, sync: true }));
  // The gateway's Redis, Kafka and registry timeouts as its main.ts sets them (from the environment, else their defaults).
  const { redisTimeoutMs, kafkaTimeoutMs, registryTimeoutMs } = resolveSettings(
    {
      redisTimeoutMs: gatewaySettings.redisTimeoutMs,
      kafkaTimeoutMs: gatewaySettings.kafkaTimeoutMs,
      registryTimeoutMs: gatewaySettings.registryTimeoutMs,
    },
    process.env,
  );
  const redis = new Redis(endpoints.redisUrl, { commandTimeout: redisTimeoutMs });
  const viewRedis = new Redis(endpoints.redisUrl, { commandTimeout: redisTimeoutMs });
  const namespace = `bench-api-${newJobId().slice(0, 8)}`;
  const names = topologyNames(namespace);
  const keys = redisKeys(namespace);
  const view = createStatusView({ redis: viewRedis, keys: keys.status });
  const kafka = createKafkaClient({ ...kafkaConnection(process.env), clientId: namespace, log: () => {} });
  const admin = await kafka.admin();
  const producer = producerWithDeadline(await kafka.producer(), kafkaTimeoutMs);
  const token = `bench-${newJobId()}`;
  const gateway = await buildGatewayApp({
    admin: adminWithDeadline(admin, kafkaTimeoutMs),
    producer,
    codec: codecWithDeadline(
      createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
      registryTimeoutMs,
    ),
    redis,
    view,
    tokens: [{ token, scopes: ['read', 'submit'], name: 'bench' }],
    logger,
    deadLetters: createDeadLetterIndex({ redis, keys }),
    names,
    keys,
    checkRegistry: async () => {},
  });
  const hello = fastify();
  hello.get('/', async () => ({ hello: 'world' }));
  // The same hello-world answering with the GET's own reply (set below from one GET: the same
  // bytes, serialized per request): the part of the gap that is the reply's size rather than the
  // gateway's work (docs/benchmarks.md, the twenty-ninth round).
  let getReply: unknown = null;
  hello.get('/job', async () => getReply);
  // The topics a noop submission is produced to: the noop lanes and the status topic, the namespace's own.
  const submitTopicNames = new Set([...LANES.map((lane) => names.jobTopic('noop', lane)), names.statusTopic]);
  const submitTopics = declaredTopics(names, { replicationFactor: 1 }).filter((topic) =>
    submitTopicNames.has(topic.name),
  );
  try {
    await admin.createTopics(submitTopics);
    const jobId = newJobId();
    const now = Date.now();
    const event: JobStatusEvent = {
      jobId,
      jobType: 'NOOP',
      stage: 'NOOP',
      state: 'PROGRESS',
      sequence: now * 1000,
      attempt: 1,
      progress: { current: 40, total: 100, percent: 40, message: 'working', details: null },
      result: null,
      error: null,
      occurredAt: now,
      submittedAt: now - 2_000,
      startedAt: now - 1_000,
      finishedAt: null,
      nextAttemptAt: null,
      batchId: null,
      parentJobId: null,
      workerId: 'bench-worker',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      expiresAt: null,
      // What a noop job's events carry, so the reply is a deployed gateway's.
      payloadPreview: payloadPreview({ sleepMs: 1_000, cpuSpinMs: 0, failureRate: 0, payload: null }),
    };
    await view.apply(event);
    const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
    const helloUrl = await hello.listen({ host: '127.0.0.1', port: 0 });
    const jobRead = { url: `${gatewayUrl}/v1/jobs/${jobId}`, headers: { authorization: `Bearer ${token}` } };
    const check = await fetch(jobRead.url, { headers: jobRead.headers });
    if (check.status !== 200) throw new Error(`GET /v1/jobs/:id answered ${check.status}: ${await check.text()}`);
    getReply = await check.json();
    const load = { connections: options.connections, duration: options.durationSeconds };
    const loadGenerator = options.loadProcess ? autocannonInChildProcess : autocannon;
    // A short warm-up of each, so JIT and connection pools are not measured.
    await loadGenerator({ ...load, duration: 2, url: helloUrl });
    await loadGenerator({ ...load, duration: 2, url: `${helloUrl}/job` });
    await loadGenerator({ ...load, ...jobRead, duration: 2 });
    const round = { ...load, duration: Math.max(1, Math.round(options.durationSeconds / options.rounds)) };
    // This process's CPU time per side: the servers' alone with --load-process, else the load generator's too.
    const sides = {
      get: jobRead,
      hello: { url: helloUrl },
      helloWithReply: { url: `${helloUrl}/job` },
    };
    type Side = keyof typeof sides;
    const results: Record<Side, AutocannonResult[]> = { get: [], hello: [], helloWithReply: [] };
    const cpuMicros: Record<Side, number> = { get: 0, hello: 0, helloWithReply: 0 };
    const order: Side[] = ['get', 'hello', 'helloWithReply'];
    for (let turn = 0; turn < options.rounds; turn += 1) {
      // Reversed every round, so no side always runs just after another.
      for (const side of turn % 2 === 0 ? order : order.toReversed()) {
        const before = process.cpuUsage();
        results[side].push(await loadGenerator({ ...round, ...sides[side] }));
        const used = process.cpuUsage(before);
        cpuMicros[side] += used.user + used.system;
      }
    }
    // After the timed rounds, which the profiler would slow: each side once more with the load
    // in a child process, so that the profiled heap is the servers' alone.
    const allocationsOf = async (side: Side): Promise<SideAllocations> => {
      const { result, sites } = await withAllocationProfile(() =>
        autocannonInChildProcess({ ...round, ...sides[side] }),
      );
      const requests = result.requests.total;
      return { perRequest: sites.reduce((sum, site) => sum + site.bytes, 0) / requests, sites, requests };
    };
    const allocations = options.allocations
      ? {
          get: await allocationsOf('get'),
          hello: await allocationsOf('hello'),
          helloWithReply: await allocationsOf('helloWithReply'),
        }
      : undefined;
    const [getFigures, helloFigures, sameReplyFigures] = [
      combinedFigures('GET /v1/jobs/:id', results.get),
      combinedFigures('fastify hello-world', results.hello),
      combinedFigures("hello-world, the GET's reply", results.helloWithReply),
    ];
    const rows = [getFigures, helloFigures, sameReplyFigures];
    const submit = {
      ...load,
      url: `${gatewayUrl}/v1/jobs`,
      method: 'POST' as const,
      body: JSON.stringify({ stage: 'noop', payload: {} }),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    };
    await loadGenerator({ ...submit, duration: 2 });
    rows.push(figures('POST /v1/jobs', await loadGenerator(submit)));
    const ratios: ApiRatio[] = [
      // Issue 12's target.
      { label: 'gateway/hello-world', of: getFigures, to: helloFigures },
      { label: 'gateway/same reply', of: getFigures, to: sameReplyFigures },
    ];
    console.log(options.json ? JSON.stringify(rows, null, 2) : formatApiTable(rows, ratios));
    const perRequest = (side: Side) =>
      (cpuMicros[side] / results[side].reduce((sum, result) => sum + result.requests.total, 0)).toFixed(1);
    const perRound = (of: Side, to: Side) =>
      results[of].map((result, i) => ratio(result.requests.average, results[to][i]!.requests.average)).join(' ');
    console.log(
      `\n${options.connections} connections, loopback, ` +
        (options.loadProcess ? 'autocannon in a process of its own' : 'servers and autocannon in one process') +
        `; GET, hello-world and hello-world with the GET's reply ${options.durationSeconds} s each ` +
        `in ${options.rounds} alternating rounds, POST ${options.durationSeconds} s; ` +
        `gateway/hello-world per round: ${perRound('get', 'hello')}; ` +
        `gateway/same reply per round: ${perRound('get', 'helloWithReply')}; ` +
        `CPU of the servers' process per request: GET ${perRequest('get')} µs, ` +
        `hello-world ${perRequest('hello')} µs, with the GET's reply ${perRequest('helloWithReply')} µs; ` +
        `the gateway logged ${countLines(logFile)} lines at info`,
    );
    if (allocations !== undefined) console.log(`\n${formatAllocations(allocations)}`);
    return rows.some((row) => row.failures > 0) ? 1 : 0;
  } finally {
    await hello.close();
    await gateway.close();
    await view.clear();
    await admin.deleteTopics(submitTopics.map((topic) => topic.name)).catch(() => {});
    await deleteSubjects(endpoints.schemaRegistryUrl, namespace);
    await deleteKeys(redis, keys.pattern);
    await producer.close();
    await admin.close();
    redis.disconnect();
    viewRedis.disconnect();
    rmSync(logDir, { recursive: true, force: true });
  }
}

/** One side's allocations: bytes per request in all, and by allocating function. */
export interface SideAllocations {
  perRequest: number;
  sites: readonly AllocationSite[];
  requests: number;
}

/** How many of the GET's allocating functions `--allocations` lists. */
const LISTED_SITES = 12;

/** `--allocations`' lines (pure): bytes per request of each side, then the GET's largest allocating functions. */
export function formatAllocations(sides: Record<'get' | 'hello' | 'helloWithReply', SideAllocations>): string {
  const bytes = (n: number) => Math.round(n).toLocaleString('en-US');
  const { get, hello, helloWithReply } = sides;
  return [
    'Bytes allocated per request (V8 sampling heap profile, freed objects included; one round of each side, ' +
      `autocannon in a process of its own): GET ${bytes(get.perRequest)}, hello-world ${bytes(hello.perRequest)}, ` +
      `with the GET's reply ${bytes(helloWithReply.perRequest)}`,
    "The GET's largest allocating functions, bytes per request:",
    ...get.sites.slice(0, LISTED_SITES).map((site) => `${bytes(site.bytes / get.requests).padStart(8)}  ${site.site}`),
  ].join('\n');
}

function countLines(file: string): number {
  const text = readFileSync(file, 'utf8');
  return text.length === 0 ? 0 : text.split('\n').length - 1;
}

/** Removes the schema subjects the submissions registered (every subject of the bench's namespace). */
async function deleteSubjects(registryUrl: string, namespace: string): Promise<void> {
  const subjects = (await (await registryRequest(`${registryUrl}/subjects`)).json()) as string[];
  for (const subject of subjects.filter((name) => name.startsWith(`${namespace}.`))) {
    await deleteSubject(registryUrl, subject);
  }
}
