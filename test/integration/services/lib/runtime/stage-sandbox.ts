/**
 * A stage runtime on topics of its own (lanes, retry tiers, status), with its own group and
 * Redis namespace (ledger, presence, purge marks, revocations), for integration tests; its other
 * names (status subject, dead-letter topic, control groups) are the test run's. Everything is
 * removed when the test ends.
 */
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import type { JobHeader } from '../../../../../schemas/job-header.ts';
import { jobStatusEventContract, type JobStatusEvent } from '../../../../../schemas/job-status-event.ts';
import { noopRequestContract, type NoopRequest } from '../../../../../schemas/noop-request.ts';
import { controlCommandContract, type ControlCommand } from '../../../../../schemas/control-command.ts';
import { createCodec, type SubjectBinding } from '../../../../../services/lib/codec.ts';
import { newJobId } from '../../../../../services/lib/job-ids.ts';
import { createPurgeMarks } from '../../../../../services/lib/purge-marks.ts';
import { createWorkerPresence } from '../../../../../services/lib/worker-presence.ts';
import { createJobLedger } from '../../../../../services/lib/runtime/job-ledger.ts';
import type { StageDefinition } from '../../../../../services/lib/runtime/stage.ts';
import {
  startStageRuntime,
  type StageRuntime,
  type StageRuntimeOptions,
  type StageTopics,
} from '../../../../../services/lib/runtime/stage-runtime.ts';
import type { Stage } from '../../../../../topology/stages.ts';
import { RETRY_TIERS, type RetryTier, STATUS_MAX_MESSAGE_BYTES } from '../../../../../topology/topics.ts';
import {
  collectMessages,
  createTestTopic,
  deleteSubjectAfter,
  kafkaAdmin,
  kafkaClient,
  onCleanup,
  redisClient,
  schemaRegistry,
  testNames,
  uniqueName,
} from '../../../../support/resources.ts';
import { noopRequestSample } from '../../../../unit/schemas/samples.ts';
import { waitFor } from '../../../../support/wait.ts';

export async function stageSandbox(t: TestContext, options: { lanePartitions?: number } = {}) {
  const admin = await kafkaAdmin(t);
  const topic = async (prefix: string, partitions = 1, configs: Record<string, string> = {}) =>
    (await createTestTopic(t, admin, { prefix, partitions, configs })).name;
  const lanes = [
    await topic('test-lane-high'),
    await topic('test-lane-normal', options.lanePartitions ?? 2),
    await topic('test-lane-low'),
  ];
  const retry = {} as Record<RetryTier, string>;
  for (const tier of RETRY_TIERS) retry[tier.name] = await topic(`test-retry-${tier.name}`);
  const topics: StageTopics = {
    lanes,
    retry,
    // As the declared status topic takes (topology/topics.ts).
    status: await topic('test-status', 3, { 'max.message.bytes': String(STATUS_MAX_MESSAGE_BYTES) }),
    control: await topic('test-control'),
    groupId: uniqueName('test-stage'),
  };
  // The declared names of the test run's namespace (the status subject, the dead-letter topic,
  // control groups); the sandbox's own topics above replace the stage's.
  const names = testNames();
  const { redis, keys } = redisClient(t);
  const ledger = createJobLedger({ redis, keys });
  // Sandbox workers say they are alive in the test's own keyspace, not where operators look.
  const presence = createWorkerPresence({ redis, keys });
  const purgeMarks = createPurgeMarks({ redis, keys });
  const registry = schemaRegistry();
  const codec = createCodec({ registry });
  const laneBinding: SubjectBinding<NoopRequest> = {
    subject: names.valueSubject(lanes[1] ?? ''),
    contract: noopRequestContract,
    compatibility: 'FULL_TRANSITIVE',
  };
  deleteSubjectAfter(t, laneBinding.subject);
  const controlBinding: SubjectBinding<ControlCommand> = {
    subject: names.valueSubject(topics.control),
    contract: controlCommandContract,
    compatibility: 'FULL',
  };
  deleteSubjectAfter(t, controlBinding.subject);
  // Status events are framed with the id of the real status subject (the runtime's binding),
  // whatever topic they go to, so the sandbox's status topic needs no subject of its own.
  const kafka = kafkaClient();
  const producer = await kafka.producer();
  onCleanup(t, () => producer.close());
  const status = await collectMessages(t, [topics.status]);
  const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });

  return {
    names,
    keys,
    redis,
    topics,
    ledger,
    presence,
    purgeMarks,
    codec,
    producer,
    /** Runs `definition` on the sandbox's topics and stores until the test ends. */
    async start<S extends Stage>(
      definition: StageDefinition<S>,
      workerId = uniqueName('worker'),
      options: Partial<StageRuntimeOptions> = {},
    ): Promise<StageRuntime> {
      const runtime = await startStageRuntime(definition, {
        kafka,
        codec,
        redis,
        logger,
        workerId,
        names,
        keys,
        topics,
        ledger,
        presence,
        purgeMarks,
        ...options,
      });
      onCleanup(t, () => runtime.close());
      return runtime;
    },
    /** Produces a noop job to a lane (default the normal one) and returns it. */
    async submit(
      fields: Partial<Omit<NoopRequest, 'header'>> = {},
      jobId = newJobId(),
      lane = 1,
      header: Partial<JobHeader> = {},
    ): Promise<NoopRequest> {
      const [job] = await this.submitMany([fields], lane, jobId, header);
      if (!job) throw new Error('nothing submitted');
      return job;
    },
    /** Produces many noop jobs to one lane, in chunks, and returns them. */
    async submitMany(
      fieldsOfEach: readonly Partial<Omit<NoopRequest, 'header'>>[],
      lane = 1,
      jobId?: string,
      header: Partial<JobHeader> = {},
    ): Promise<NoopRequest[]> {
      const jobs = fieldsOfEach.map((fields): NoopRequest => ({
        ...noopRequestSample,
        payload: null,
        ...fields,
        header: { ...noopRequestSample.header, jobId: jobId ?? newJobId(), retryPolicy: null, ...header },
      }));
      const messages = await Promise.all(jobs.map((job) => codec.toMessage(laneBinding, job.header.jobId, job)));
      for (let start = 0; start < messages.length; start += 500) {
        await producer.send(lanes[lane] ?? '', messages.slice(start, start + 500));
      }
      return jobs;
    },
    /** Produces a control command to the sandbox's control topic. */
    async command(fields: Pick<ControlCommand, 'command'> & Partial<ControlCommand>): Promise<void> {
      const command: ControlCommand = {
        commandId: newJobId(),
        jobId: null,
        stage: null,
        reason: null,
        requester: 'stage-runtime-test',
        issuedAt: Date.now(),
        ...fields,
      };
      await producer.send(topics.control, [await codec.toMessage(controlBinding, command.commandId, command)]);
    },
    /** Waits until a job's events include one of `state`, and returns them all. */
    async eventsUntil(jobId: string, state: JobStatusEvent['state'], timeoutMs?: number): Promise<JobStatusEvent[]> {
      return waitFor(
        async () => {
          const found = await this.events(jobId);
          return found.some((event) => event.state === state) && found;
        },
        { description: `${state} of job ${jobId}`, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
      );
    },
    /**
     * Waits until the ledger remembers every job of `jobIds` ended, and returns their terminal
     * states in that order; `onEnd` hears how many had ended, whether or not all did in time.
     */
    async untilEnded(
      jobIds: readonly string[],
      { timeoutMs, onEnd }: { timeoutMs: number; onEnd?: (ended: number) => void },
    ): Promise<(string | null)[]> {
      let ended = 0;
      return waitFor(
        async () => {
          const all = await Promise.all(jobIds.map((jobId) => ledger.terminalState(jobId)));
          ended = all.filter((state) => state !== null).length;
          return ended === jobIds.length && all;
        },
        { description: `all ${jobIds.length} jobs ended`, timeoutMs, intervalMs: 500 },
      ).finally(() => onEnd?.(ended));
    },
    /** Every status event seen so far, decoded, in arrival order. */
    async allEvents(): Promise<JobStatusEvent[]> {
      return Promise.all(
        status.messages.map(async (message) => (await codec.decode(jobStatusEventContract, message.value)).record),
      );
    },
    /** The status events of a job seen so far, decoded, in arrival order. */
    async events(jobId: string): Promise<JobStatusEvent[]> {
      const mine = status.messages.filter((message) => message.key?.toString() === jobId);
      return Promise.all(
        mine.map(async (message) => (await codec.decode(jobStatusEventContract, message.value)).record),
      );
    },
    status,
  };
}
