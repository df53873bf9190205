/**
 * The service kit: what every `services/<name>/main.ts` is built on, so each main.ts reads as a
 * short list of what that service wires.
 *
 *   await runService({ name: 'noop', settings: noopSettings, start: (kit) => … }, <the environment>);
 *
 * `runService` resolves the service's settings (every problem printed at once, exit code 2),
 * starts telemetry, gives the service's `start` a kit of clients built on demand (each closed
 * at the end, in reverse order of creation), and on SIGTERM/SIGINT closes everything in order:
 * an idempotent close that runs every step even if one fails. Exit codes: 0 after a clean stop,
 * 1 for a crash (a failed start, a failed close step, an error nobody handled, a Kafka consumer
 * that stopped for good), 2 for bad configuration. Library code never reads the environment and
 * never exits: this is the one place that decides how a process ends.
 */
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { type RedisKeys, redisKeys } from '../../topology/redis-keys.ts';
import { type TopologyNames, topologyNames } from '../../topology/names.ts';
import type { Stage } from '../../topology/stages.ts';
import { type Codec, createCodec } from './codec.ts';
import { createKafkaClient, type KafkaClient } from './kafka.ts';
import { kafkaSecurityOf, kafkaSecurityProblems } from './kafka-security.ts';
import { createLogger, type Logger } from './logger.ts';
import { type StageRuntime, type StageRuntimeOptions, startStageRuntime } from './runtime/stage-runtime.ts';
import type { StageDefinition } from './runtime/stage.ts';
import { createSchemaRegistry } from './schema-registry.ts';
import {
  type BaseSettings,
  type baseSettings,
  type Environment,
  resolveSettings,
  type ResolvedSettings,
  SettingsError,
  type SettingsCheck,
  type SettingsSpec,
} from './settings.ts';
import { startTelemetry, type Telemetry } from './telemetry.ts';
import { createWorkerMetrics, type WorkerMetrics } from './worker-metrics.ts';

/** Exit code of a process stopped by bad configuration. */
export const EXIT_BAD_CONFIGURATION = 2;
/** Exit code of a process that crashed (or whose close failed). */
export const EXIT_CRASH = 1;
/** How long a process may linger after every close step ran before it is ended. */
const EXIT_GRACE_MS = 5_000;
/**
 * How long a service that crashed may take to close before it exits anyway: a step may be stuck
 * in the state that crashed it, and no supervisor stops a process that never exits. Twice the
 * stage runtime's default drain (`shutdownGraceMs`, 30 s).
 */
const CRASH_CLOSE_LIMIT_MS = 60_000;

export interface ServiceDefinition<S extends SettingsSpec> {
  /** The service's short name, e.g. `noop`: its spans are `sedano-noop`, its worker id `noop@host:pid`. */
  name: string;
  /** Its settings, usually `{ ...baseSettings, ...own }`. */
  settings: S;
  /** Checks across its settings, reported with the rest (see SettingsCheck). */
  check?: SettingsCheck<S>;
  /**
   * Wires the service with the kit's clients and starts it; resolves once it runs. Whatever must be
   * stopped goes to `kit.onClose` (the clients the kit built are closed after it).
   */
  start(kit: ServiceKit<ResolvedSettings<S>>): Promise<void>;
}

export interface ServiceKit<T> {
  readonly settings: T;
  /** `sedano-<name>`: the log name and the spans' `service.name`. */
  readonly serviceName: string;
  /** `SEDANO_WORKER_ID`, or `<name>@<host>:<pid>`. */
  readonly workerId: string;
  readonly logger: Logger;
  readonly names: TopologyNames;
  readonly keys: RedisKeys;
  readonly telemetry: Telemetry;
  /**
   * The process's metrics, served at `GET /metrics` on SEDANO_METRICS_PORT (labelled with the
   * worker id); undefined when the setting is unset. Stages started with `startStage` report to it.
   */
  readonly metrics: WorkerMetrics | undefined;
  /** The Kafka client (one per process; its client id is the worker id). */
  kafka(): KafkaClient;
  /**
   * A new Redis connection, closed at the end. With `autoPipelining`, the commands issued in one
   * tick go out in one write: for a connection many concurrent jobs share, where a write per
   * command cost a burst of no-op jobs about 4% of its CPU in system calls (issue 12); never for
   * one that runs WATCH (none does today). With `commandTimeoutMs`, a command Redis has not
   * answered by then fails, also one queued while the connection is away (ioredis otherwise
   * queues it through 20 reconnections: 10-40 s): for a connection a caller waits on.
   */
  redis(options?: { autoPipelining?: boolean; commandTimeoutMs?: number }): Redis;
  /** The codec over the schema registry (one per process). */
  codec(options?: { maxMessageBytes?: number }): Codec;
  /** Runs a stage with the kit's clients; it is closed first on shutdown. */
  startStage<S extends Stage>(
    definition: StageDefinition<S>,
    options?: Partial<
      Omit<StageRuntimeOptions, 'kafka' | 'codec' | 'redis' | 'logger' | 'workerId' | 'names' | 'keys' | 'metrics'>
    >,
  ): Promise<StageRuntime>;
  /** Adds a close step; steps run in reverse order of registration, each once, each even if another failed. */
  onClose(name: string, close: () => Promise<unknown>): void;
  /** Ends the service as a signal would (a one-shot command calls it when its work is done). */
  shutdown(): Promise<void>;
}

type CloseStep = [name: string, close: () => Promise<unknown>];

/**
 * Runs a service until SIGTERM or SIGINT (or until its `start` fails). Sets `process.exitCode`
 * and never calls `process.exit`, so every close step finishes its work.
 */
export async function runService<S extends typeof baseSettings>(
  definition: ServiceDefinition<S>,
  env: Environment,
): Promise<void> {
  let settings: ResolvedSettings<S>;
  try {
    // Every service checks its Kafka security settings fit together, then its own checks run.
    settings = resolveSettings(definition.settings, env, (resolved, failed) => [
      // S extends the base settings, so its values hold the base's (TypeScript cannot see it through S).
      ...kafkaSecurityProblems(resolved as Partial<BaseSettings>, failed),
      ...(definition.check?.(resolved, failed) ?? []),
    ]);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`sedano-${definition.name}: ${error.message}`);
    process.exitCode = EXIT_BAD_CONFIGURATION;
    return;
  }
  const base: BaseSettings = settings;
  const serviceName = `sedano-${definition.name}`;
  const workerId = base.workerId ?? `${definition.name}@${hostname()}:${process.pid}`;
  const logger = createLogger(serviceName, base.logLevel).child({ workerId, namespace: base.namespace });
  const telemetry = startTelemetry({ serviceName, otlpEndpoint: base.otlpEndpoint });
  const steps: CloseStep[] = [['telemetry', () => telemetry.shutdown()]];
  let closing: Promise<void> | undefined;
  /** Registers a close step; one registered after the close began (a signal during start) runs at once. */
  function addStep(name: string, step: () => Promise<unknown>): void {
    if (closing === undefined) {
      steps.push([name, step]);
      return;
    }
    step().catch((error: unknown) => logger.error({ err: error }, `closing ${name} failed`));
  }

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const [name, step] of steps.toReversed()) {
        try {
          await step();
        } catch (error) {
          process.exitCode = EXIT_CRASH;
          logger.error({ err: error }, `closing ${name} failed`);
        }
      }
      logger.info('stopped');
      // Every step ran; a client library's stray timer (kafkajs after a failed start) must not keep
      // the process alive. An unref'd timer never holds it up: it only ends a process that would hang.
      setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
    })());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void close();
    });
  }
  /** Ends the service after a crash: logged, closed in order like a signal, exit code 1. */
  const crashed = (error: unknown, message: string, context: object = {}): void => {
    logger.fatal({ err: error, ...context }, message);
    process.exitCode = EXIT_CRASH;
    setTimeout(() => process.exit(), CRASH_CLOSE_LIMIT_MS).unref();
    void close();
  };
  // An error nothing caught (thrown in a library's callback or a timer) ends the service as Node
  // would, but logged as JSON with its error, and closed in order.
  process.on('uncaughtException', (error) => crashed(error, 'uncaught exception: the service exits'));
  process.on('unhandledRejection', (reason) => crashed(reason, 'unhandled rejection: the service exits'));

  const metrics =
    base.metricsPort === undefined
      ? undefined
      : createWorkerMetrics({ port: base.metricsPort, defaultLabels: { worker: workerId } });
  if (metrics !== undefined) addStep('metrics', () => metrics.close());
  let kafka: KafkaClient | undefined;
  let codec: Codec | undefined;
  const kit: ServiceKit<ResolvedSettings<S>> = {
    settings,
    serviceName,
    workerId,
    logger,
    names: topologyNames(base.namespace),
    keys: redisKeys(base.namespace),
    telemetry,
    metrics,
    shutdown: close,
    kafka: () =>
      (kafka ??= createKafkaClient({
        brokers: base.kafkaBrokers,
        security: kafkaSecurityOf(base),
        clientId: workerId,
        log: (level, message, extra) => logger[level]({ ...extra, component: 'kafkajs' }, message),
        // A consumer kafkajs will not restart would leave the service alive and idle.
        onConsumerStopped: (error, groupId) =>
          crashed(error, 'a Kafka consumer stopped for good: the service exits', { groupId }),
      })),
    redis({ autoPipelining = false, commandTimeoutMs } = {}) {
      const connection = new Redis(base.redisUrl, {
        enableAutoPipelining: autoPipelining,
        ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
      });
      connection.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
      addStep('redis', async () => connection.disconnect());
      return connection;
    },
    codec: (options = {}) =>
      (codec ??= createCodec({ registry: createSchemaRegistry(base.schemaRegistryUrl), ...options })),
    async startStage(stage, options = {}) {
      const runtime = await startStageRuntime(stage, {
        ...options,
        kafka: kit.kafka(),
        codec: kit.codec(),
        redis: kit.redis({ autoPipelining: true }),
        logger,
        workerId,
        names: kit.names,
        keys: kit.keys,
        threadTelemetry: { serviceName, otlpEndpoint: base.otlpEndpoint },
        ...(metrics === undefined ? {} : { metrics }),
      });
      addStep('stage runtime', () => runtime.close());
      logger.info({ stage: stage.stage }, 'stage running');
      return runtime;
    },
    onClose: addStep,
  };

  try {
    // First, so a port already taken stops the service before it takes any job.
    const port = await metrics?.listen();
    if (port !== undefined) logger.info({ metricsPort: port }, `metrics at http://<host>:${port}/metrics`);
    await definition.start(kit);
  } catch (error) {
    if (error instanceof SettingsError) {
      // A problem only the service's own wiring can see (e.g. an embedder lacking its URL).
      console.error(`${serviceName}: ${error.message}`);
      process.exitCode = EXIT_BAD_CONFIGURATION;
      await close();
      return;
    }
    logger.error({ err: error }, `${serviceName} failed to start`);
    process.exitCode = EXIT_CRASH;
    await close();
  }
}
