/**
 * Every Redis key of one deployment, as pure functions of its namespace (in the spirit of
 * BullMQ's `QueueKeys`): each component asks this module for its keys, and nothing else
 * concatenates key names. With the default namespace `sedano`, keys read `sedano:<area>:…`.
 *
 * Stage and state names inside keys are the schema's symbols (`INDEXING`, `SUCCESS`) where the
 * status view uses them, as they always were.
 */
export interface StatusViewKeys {
  /** The JobView of one job, as JSON without its result; a terminal job expires some time after it ended. */
  readonly job: (jobId: string) => string;
  /** A job's result, as JSON, written and expiring with its view (absent while it has none). */
  readonly result: (jobId: string) => string;
  /** Sorted set of every job id, scored by update time. */
  readonly all: string;
  /** Sorted set of the job ids in one state (`SUCCESS`, …). */
  readonly state: (state: string) => string;
  /** Sorted set of the job ids of one stage symbol (`INDEXING`, …). */
  readonly stage: (stage: string) => string;
  /** Sorted set of the job ids of one batch. */
  readonly batchJobs: (batchId: string) => string;
  /** SCAN pattern of every index above (all, state, stage, batch). */
  readonly indexPattern: string;
  /** Hash of a batch's job counts per state. */
  readonly batch: (batchId: string) => string;
  /** A batch's declaration (size, follow-up), as JSON. */
  readonly batchDeclaration: (batchId: string) => string;
  /** A batch's follow-up marker: a claim with a lease, then `submitted`. */
  readonly followUpMarker: (batchId: string) => string;
  /**
   * The batch id of a declared follow-up, by the follow-up's job id: the job is known from its
   * batch's submission, before its PENDING exists (status-view.ts `declaredFollowUp`).
   */
  readonly followUpBatch: (jobId: string) => string;
  /** SCAN pattern of every key of the view (rebuild drops them). */
  readonly pattern: string;
}

export interface WorkerPresenceKeys {
  /** One worker's presence record, expiring after a few missed heartbeats. */
  readonly worker: (workerId: string) => string;
  /** Sorted set of known worker ids, scored by last heartbeat. */
  readonly index: string;
  /** Hash of the answers to one PING command. */
  readonly pong: (commandId: string) => string;
  /** When one PING command was sent, kept as long as its answers (so an unknown id is told apart). */
  readonly ping: (commandId: string) => string;
  /** SCAN pattern of every presence key. */
  readonly pattern: string;
}

export interface DeadLetterIndexKeys {
  /** One indexed dead letter, as JSON. */
  readonly entry: (deadLetterId: string) => string;
  /** The replay marker of one dead letter (replayed once). */
  readonly replay: (deadLetterId: string) => string;
  /** Sorted set of dead-letter ids, newest last. */
  readonly index: string;
}

export interface ModelRegistryKeys {
  /** Set of every model name. */
  readonly names: string;
  /** The last version number claimed for a model. */
  readonly sequence: (modelName: string) => string;
  /** Hash of job id → the version that job claimed. */
  readonly jobs: (modelName: string) => string;
  /** Hash of version → its record (JSON). */
  readonly versions: (modelName: string) => string;
  /** The highest recorded version of a model. */
  readonly latest: (modelName: string) => string;
}

export interface ScheduleKeys {
  /** Hash of one schedule's state: `cursorMs`, `lastJobId`, `lastSlotMs`, `lastRunAtMs`, `paused`. */
  readonly schedule: (name: string) => string;
  /** One slot's claim: `lease:<schedulerId>` while a scheduler emits it, then `fired:<jobId>`. */
  readonly slotClaim: (name: string, slotMs: number) => string;
  /** An immediate run asked for with `runId` (an Idempotency-Key): its job id, so a repeat is answered, not run again. */
  readonly immediateRun: (name: string, runId: string) => string;
}

export interface RedisKeys {
  readonly namespace: string;
  /** SCAN pattern of every key of the namespace. */
  readonly pattern: string;
  /** The job ledger: a job's terminal state, remembered before its offset is committed. */
  readonly ledger: (jobId: string) => string;
  /** A revoked job's reason, remembered for workers started later. */
  readonly revoked: (jobId: string) => string;
  /** The counter of one rate-limit window (`second` since the epoch) of a limiter `name`. */
  readonly rateWindow: (name: string, second: number) => string;
  /** A `ctl purge` mark: jobs of this partition below the stored offset are skipped. */
  readonly purgeMark: (topic: string, partition: number) => string;
  /** SCAN pattern of every purge mark. */
  readonly purgeMarkPattern: string;
  /** The topic and partition a purge mark's key names; undefined for any other key. */
  readonly purgeMarkOf: (key: string) => { topic: string; partition: number } | undefined;
  /** The member id a worker's consumer last had in a group: the worker restarted removes its former self. */
  readonly groupMember: (groupId: string, workerId: string) => string;
  readonly workers: WorkerPresenceKeys;
  readonly status: StatusViewKeys;
  /** The gateway's idempotency claim of one job id. */
  readonly idempotency: (jobId: string) => string;
  /** The gateway's claim of a batch id, with its declaration's fingerprint (services/gateway/batch-declarations.ts). */
  readonly batchClaim: (batchId: string) => string;
  /** A stage's pause record, written by the gateway, read by the stage's workers at start (services/lib/stage-controls.ts). */
  readonly stagePause: (stage: string) => string;
  /** A stage's rate-limit record, set through the gateway, read by the stage's workers (services/lib/stage-controls.ts). */
  readonly stageRateLimit: (stage: string) => string;
  /** A stage's concurrency record, set through the gateway, read by the stage's workers (services/lib/stage-controls.ts). */
  readonly stageConcurrency: (stage: string) => string;
  readonly deadLetters: DeadLetterIndexKeys;
  /** A cached embedding of one text (by SHA-256) for one embedder and dimension. */
  readonly embedding: (embedder: string, dimension: number, textSha256: string) => string;
  /** SCAN pattern of every cached embedding. */
  readonly embeddingPattern: string;
  /** The scheduler's keys (services/scheduler/schedule-store.ts). */
  readonly schedules: ScheduleKeys;
  /** The maintenance run ledger's record of one idempotency key (services/maintenance/run-ledger.ts). */
  readonly maintenanceRun: (idempotencyKey: string) => string;
  /** The model registry's index (the trainer writes it, the gateway and analysis read it). */
  readonly models: ModelRegistryKeys;
}

/** The Redis keys of the deployment in `namespace` (validated by `topologyNames`). */
export function redisKeys(namespace: string): RedisKeys {
  const root = `${namespace}:`;
  const status = `${root}status:`;
  const workers = `${root}workers:`;
  const deadLetters = `${root}gateway:dead-letters:`;
  const models = `${root}models:`;
  return {
    namespace,
    pattern: `${root}*`,
    ledger: (jobId) => `${root}ledger:${jobId}`,
    revoked: (jobId) => `${root}revoked:${jobId}`,
    rateWindow: (name, second) => `${root}rate:${name}:${second}`,
    purgeMark: (topic, partition) => `${root}purge:${topic}:${partition}`,
    purgeMarkPattern: `${root}purge:*`,
    purgeMarkOf(key) {
      // A topic name may hold colons: the partition is after the last one.
      const rest = key.startsWith(`${root}purge:`) ? key.slice(`${root}purge:`.length) : '';
      const colon = rest.lastIndexOf(':');
      const partition = rest.slice(colon + 1);
      return colon > 0 && /^\d+$/.test(partition)
        ? { topic: rest.slice(0, colon), partition: Number(partition) }
        : undefined;
    },
    groupMember: (groupId, workerId) => `${root}member:${groupId}:${workerId}`,
    workers: {
      worker: (workerId) => `${workers}worker:${workerId}`,
      index: `${workers}index`,
      pong: (commandId) => `${workers}pong:${commandId}`,
      ping: (commandId) => `${workers}ping:${commandId}`,
      pattern: `${workers}*`,
    },
    status: {
      job: (jobId) => `${status}job:${jobId}`,
      result: (jobId) => `${status}result:${jobId}`,
      all: `${status}index:all`,
      state: (state) => `${status}index:state:${state}`,
      stage: (stage) => `${status}index:stage:${stage}`,
      batchJobs: (batchId) => `${status}index:batch:${batchId}`,
      indexPattern: `${status}index:*`,
      batch: (batchId) => `${status}batch:${batchId}`,
      batchDeclaration: (batchId) => `${status}batch:${batchId}:declaration`,
      followUpMarker: (batchId) => `${status}batch:${batchId}:follow-up-submitted`,
      followUpBatch: (jobId) => `${status}follow-up:${jobId}:batch`,
      pattern: `${status}*`,
    },
    idempotency: (jobId) => `${root}gateway:idempotency:${jobId}`,
    batchClaim: (batchId) => `${root}gateway:batch-claim:${batchId}`,
    stagePause: (stage) => `${root}gateway:pause:${stage}`,
    stageRateLimit: (stage) => `${root}gateway:rate-limit:${stage}`,
    stageConcurrency: (stage) => `${root}gateway:concurrency:${stage}`,
    deadLetters: {
      entry: (id) => `${deadLetters}entry:${id}`,
      replay: (id) => `${deadLetters}replay:${id}`,
      index: `${deadLetters}index`,
    },
    embedding: (embedder, dimension, textSha256) => `${root}embeddings:${embedder}:${dimension}:${textSha256}`,
    embeddingPattern: `${root}embeddings:*`,
    schedules: {
      schedule: (name) => `${root}schedule:${name}`,
      slotClaim: (name, slotMs) => `${root}schedule:${name}:slot:${slotMs}`,
      immediateRun: (name, runId) => `${root}schedule:${name}:run:${runId}`,
    },
    maintenanceRun: (idempotencyKey) => `${root}maintenance:runs:${idempotencyKey}`,
    models: {
      names: `${models}names`,
      sequence: (modelName) => `${models}model:${modelName}:sequence`,
      jobs: (modelName) => `${models}model:${modelName}:jobs`,
      versions: (modelName) => `${models}model:${modelName}:versions`,
      latest: (modelName) => `${models}model:${modelName}:latest`,
    },
  };
}
