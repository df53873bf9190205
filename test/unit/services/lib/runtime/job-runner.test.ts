import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { pino } from 'pino';
import type { JobStatusEvent } from '../../../../../schemas/job-status-event.ts';
import type { Codec } from '../../../../../services/lib/codec.ts';
import type { IncomingMessage } from '../../../../../services/lib/kafka.ts';
import { fromPlainError, toPlainError } from '../../../../../services/lib/runtime/thread-messages.ts';
import { RevokedError, ShutdownError } from '../../../../../services/lib/runtime/abort-reasons.ts';
import { JobRunner, type JobRunnerOptions, refusalOf } from '../../../../../services/lib/runtime/job-runner.ts';
import { KeyedScheduler, type Slot } from '../../../../../services/lib/runtime/keyed-scheduler.ts';
import { RunningJobs } from '../../../../../services/lib/runtime/running-jobs.ts';
import { SequenceClock } from '../../../../../services/lib/runtime/sequence-clock.ts';
import type { StageHandler } from '../../../../../services/lib/runtime/stage.ts';
import type { StageMetrics } from '../../../../../services/lib/runtime/stage-metrics.ts';
import { noopRequestSample } from '../../../schemas/samples.ts';
import { waitFor } from '../../../../support/wait.ts';
import { contractBindings } from '../../../../../topology/contracts.ts';
import { topologyNames } from '../../../../../topology/names.ts';
import { SedanoError } from '../../../../../services/lib/errors.ts';

const message: IncomingMessage = {
  topic: 'lane',
  partition: 0,
  offset: '3',
  key: null,
  value: null,
  headers: {},
  timestampMs: 0,
};
const RESULT = { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };

interface RunnerSetup {
  revoked?: string | null;
  /** Stores read before the attempt, replacing the in-memory ones. */
  stores?: Partial<Pick<JobRunnerOptions<'noop'>, 'ledger' | 'revocations' | 'purgeMarks'>>;
  /** Called with each produced batch before it counts as sent; a rejection fails the request. */
  sending?: (states: readonly string[]) => Promise<void>;
  /** Called with the state of each event as it is encoded: handed to the produce batcher. */
  encoding?: (state: string) => void;
  rateLimiter?: JobRunnerOptions<'noop'>['rateLimiter'];
  /** Stands for the codec learning the status schema's id from the registry. */
  prepare?: () => Promise<void>;
}

/** A runner over in-memory stores; `states` lists the status events it produced. */
function runner(
  handler: StageHandler<'noop'>,
  { revoked = null, stores = {}, sending, encoding, rateLimiter, prepare = async () => {} }: RunnerSetup = {},
) {
  const states: string[] = [];
  /** What the runner told the metrics, e.g. `started lane`, `ended lane SUCCESS`. */
  const measured: string[] = [];
  const terminal: string[] = [];
  const failed: unknown[] = [];
  const running = new RunningJobs();
  const created = new JobRunner({
    stage: 'noop',
    handler,
    options: {
      progressIntervalMs: 0,
      softTimeLimitMs: undefined,
      hardTimeLimitMs: undefined,
      infrastructureBackoff: { initialBackoffMs: 1, maxBackoffMs: 4, backoffMultiplier: 2 },
    },
    producer: {
      send: async (_topic, messages) => {
        const batch = messages.map((sent) => (sent.value as unknown as JobStatusEvent).state);
        await sending?.(batch);
        states.push(...batch);
      },
      close: async () => {},
    },
    codec: {
      toMessage: async (_binding: unknown, key: string, value: unknown) => {
        encoding?.((value as JobStatusEvent).state);
        return { key, value };
      },
      prepare,
    } as unknown as Codec,
    clock: new SequenceClock(Date.now),
    workerId: 'worker-1',
    statusTopic: 'status',
    statusBinding: contractBindings(topologyNames('sedano-unit')).status,
    ledger: { terminalState: async () => null, recordTerminal: async (_id, state) => void terminal.push(state) },
    revocations: { revoke: async () => {}, reasonRevoked: async () => revoked },
    purgeMarks: { markPurge: async () => {}, purgeMark: async () => undefined },
    ...stores,
    rateLimiter,
    failedAttempt: async (_message, _header, _attempt, reporter, error) => {
      failed.push(error);
      await reporter.failed({ code: 'SEDANO_ERR_JOB_FAILED', type: 'Error', message: 'x', retriable: false });
      return 'FAILURE';
    },
    running,
    tracer: trace.getTracer('test'),
    logger: pino({ level: 'silent' }),
    now: Date.now,
    random: () => 0.5,
    metrics: {
      ...Object.fromEntries(
        ['deadLettered', 'lag', 'threadPoolSize', 'threadRecycled'].map((name) => [name, () => {}]),
      ),
      started: (topic: string) => void measured.push(`started ${topic}`),
      ended: (topic: string, outcome: string, runMs: number, waitMs: number) => {
        assert.ok(runMs >= 0 && waitMs >= 0, `times: run ${runMs}, wait ${waitMs}`);
        measured.push(`ended ${topic} ${outcome}`);
      },
      abandoned: (topic: string) => void measured.push(`abandoned ${topic}`),
    } as unknown as StageMetrics,
  });
  const run = (slot?: Slot) => created.run(message, noopRequestSample, ROOT_CONTEXT, slot);
  return { run, states, terminal, failed, running, measured, runner: created };
}

test('a successful attempt reports STARTED then SUCCESS and is remembered as ended', async () => {
  const { run, states, terminal, running, measured } = runner(async () => RESULT);
  assert.equal(await run(), true);
  assert.deepEqual(measured, ['started lane', 'ended lane SUCCESS']);
  assert.deepEqual(states, ['STARTED', 'SUCCESS']);
  assert.deepEqual(terminal, ['SUCCESS']);
  assert.equal(running.size, 0);
});

// Regression: STARTED is not awaited before the handler, so a STARTED the registry could not
// encode (it was restarting) failed the attempt after its handler ran, and it ran again.
test('the status schema is known before a handler first runs: a registry that fails it leaves the job unrun', async () => {
  let runs = 0;
  let prepares = 0;
  const { run, states } = runner(
    async () => {
      runs += 1;
      return RESULT;
    },
    {
      prepare: async () => {
        prepares += 1;
        if (prepares === 1) throw new Error('registry unavailable');
      },
    },
  );
  await assert.rejects(run(), /registry unavailable/);
  assert.equal(runs, 0);
  assert.deepEqual(states, []);
  // Tried again in place (message-intake.ts): it runs once, and the schema is not asked for after.
  assert.equal(await run(), true);
  assert.equal(await run(), true);
  assert.equal(runs, 2);
  assert.equal(prepares, 2);
  assert.deepEqual(states, ['STARTED', 'SUCCESS', 'STARTED', 'SUCCESS']);
});

test('a job revoked before it starts is REVOKED without running', async () => {
  let ran = false;
  const { run, states, terminal } = runner(
    async () => {
      ran = true;
      return RESULT;
    },
    { revoked: 'revoked by ops' },
  );
  assert.equal(await run(), true);
  assert.equal(ran, false);
  assert.deepEqual(states, ['REVOKED']);
  assert.deepEqual(terminal, ['REVOKED']);
});

test('a revoke while it runs, even rebuilt from a thread, ends REVOKED', async () => {
  const { run, states, terminal } = runner(async () => {
    throw fromPlainError(toPlainError(new RevokedError('revoked by ops')));
  });
  assert.equal(await run(), true);
  assert.deepEqual(states, ['STARTED', 'REVOKED']);
  assert.deepEqual(terminal, ['REVOKED']);
});

test('an attempt aborted by shutdown reports nothing more and stays uncommitted', async () => {
  const { run, states, terminal, failed, measured } = runner(async () => {
    throw fromPlainError(toPlainError(new ShutdownError()));
  });
  assert.equal(await run(), false);
  assert.deepEqual(states, ['STARTED']);
  assert.deepEqual(terminal, []);
  assert.deepEqual(failed, []);
  assert.deepEqual(measured, ['started lane', 'abandoned lane'], 'not ended: it runs again');
});

test('any other error goes to what follows a failed attempt', async () => {
  const { run, states, failed, measured } = runner(async () => {
    throw new Error('the document is not a PDF');
  });
  assert.equal(await run(), true);
  assert.deepEqual(measured, ['started lane', 'ended lane FAILURE'], 'the outcome it settled on');
  assert.deepEqual(states, ['STARTED', 'FAILURE']);
  assert.equal((failed[0] as Error).message, 'the document is not a PDF');
});

test('a job the ledger says already ended is skipped: it does not run, reports nothing and is counted', async () => {
  let ran = false;
  const setup = runner(async () => ((ran = true), RESULT), {
    stores: { ledger: { terminalState: async () => 'SUCCESS', recordTerminal: async () => {} } },
  });
  assert.equal(await setup.run(), true);
  assert.equal(ran, false);
  assert.deepEqual(setup.states, []);
  assert.equal(setup.runner.skipped, 1);
  assert.equal(setup.running.size, 0);
  assert.deepEqual(setup.measured, [], 'not an attempt for the metrics');
});

test('refusal: a revocation wins, then an expiry passed, then a purge mark above the offset; otherwise none', () => {
  const queued = { offset: '3', expiresAt: null };
  const revoked = (message: string) => ({ code: 'SEDANO_ERR_JOB_REVOKED', message });
  assert.deepEqual(refusalOf('revoked by ops', 10, queued, 0), revoked('revoked by ops'));
  assert.deepEqual(refusalOf(null, 10, queued, 0), revoked('purged'));
  assert.equal(refusalOf(null, 3, queued, 0), null);
  assert.equal(refusalOf(null, undefined, queued, 0), null);
  const expiring = { offset: '3', expiresAt: Date.parse('2026-12-02T10:00:00Z') };
  assert.equal(refusalOf(null, undefined, expiring, expiring.expiresAt), null, 'not expired at its expiry');
  assert.deepEqual(refusalOf(null, 10, expiring, expiring.expiresAt + 1), {
    code: 'SEDANO_ERR_JOB_EXPIRED',
    message: 'expired at 2026-12-02T10:00:00.000Z',
  });
  assert.deepEqual(refusalOf('revoked by ops', undefined, expiring, expiring.expiresAt + 1), revoked('revoked by ops'));
});

test('a job queued below a purge mark is REVOKED (purged) without running', async () => {
  let ran = false;
  const { run, states, terminal } = runner(async () => ((ran = true), RESULT), {
    stores: { purgeMarks: { markPurge: async () => {}, purgeMark: async () => 4 } },
  });
  assert.equal(await run(), true);
  assert.equal(ran, false);
  assert.deepEqual(states, ['REVOKED']);
  assert.deepEqual(terminal, ['REVOKED']);
});

/**
 * Stores whose reads wait for `release`; `reads` lists the reads issued, with how many jobs
 * were registered as running then; `terminal` the states the ledger was told.
 */
function heldStores(running: () => RunningJobs, revoked: string | null = null) {
  const reads: string[] = [];
  const terminal: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = async <T>(name: string, value: T): Promise<T> => {
    reads.push(`${name} (running: ${running().size})`);
    await released;
    return value;
  };
  const stores = {
    ledger: {
      terminalState: () => held('ledger', null),
      recordTerminal: async (_jobId: string, state: string) => void terminal.push(state),
    },
    revocations: { revoke: async () => {}, reasonRevoked: () => held('revocation', revoked) },
    purgeMarks: { markPurge: async () => {}, purgeMark: () => held('purge mark', undefined) },
  };
  return { stores, reads, release, terminal };
}

test('the ledger, revocation and purge-mark reads are issued together, once the job is registered as running', async () => {
  const held = heldStores(() => setup.running);
  const setup = runner(async () => RESULT, { stores: held.stores });
  const outcome = setup.run();
  // None of the reads has answered, yet all three are out: they share one round trip.
  assert.deepEqual(held.reads, ['ledger (running: 1)', 'revocation (running: 1)', 'purge mark (running: 1)']);
  held.release();
  assert.equal(await outcome, true);
  assert.deepEqual(setup.states, ['STARTED', 'SUCCESS']);
});

test('a job revoked while its reads are in flight never runs: REVOKED', async () => {
  let ran = false;
  const held = heldStores(() => setup.running);
  const setup = runner(async () => ((ran = true), RESULT), { stores: held.stores });
  const outcome = setup.run();
  // What the control listener does when the REVOKE command arrives now.
  assert.equal(
    setup.running.abortJob(noopRequestSample.header.jobId, () => new RevokedError('revoked by ops')),
    1,
  );
  held.release();
  assert.equal(await outcome, true);
  assert.equal(ran, false);
  assert.deepEqual(setup.states, ['REVOKED']);
  assert.deepEqual(held.terminal, ['REVOKED']);
  assert.deepEqual(setup.measured, ['started lane', 'ended lane REVOKED']);
});

test('the handler does not wait for STARTED, but the attempt settles after it, and events stay in order', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let seenByHandler: string[] | undefined;
  const setup = runner(async () => ((seenByHandler = [...setup.states]), RESULT), {
    sending: async (batch) => {
      if (batch.includes('STARTED')) await held;
    },
  });
  let settled = false;
  const outcome = setup.run().then((done) => ((settled = true), done));
  await waitFor(() => seenByHandler !== undefined, { description: 'the handler ran', intervalMs: 1 });
  assert.deepEqual(seenByHandler, [], 'the handler ran before STARTED was produced');
  await setImmediate();
  assert.equal(settled, false, 'not settled while STARTED is in flight');
  release();
  assert.equal(await outcome, true);
  assert.deepEqual(setup.states, ['STARTED', 'SUCCESS']);
  assert.deepEqual(setup.terminal, ['SUCCESS']);
});

/** A handler that returns once STARTED's request is in flight, and a `sending` hook holding that request until `settle`. */
function startedHeldInFlight() {
  let inFlight!: () => void;
  const startedInFlight = new Promise<void>((resolve) => (inFlight = resolve));
  let settle!: (error?: Error) => void;
  const held = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  return {
    handler: async () => (await startedInFlight, RESULT),
    sending: async (batch: readonly string[]) => {
      if (!batch.includes('STARTED')) return;
      inFlight();
      await held;
    },
    settle,
  };
}

test('SUCCESS is queued behind STARTED as soon as the handler returns, not once STARTED is produced', async () => {
  const started = startedHeldInFlight();
  const encoded: string[] = [];
  const setup = runner(started.handler, { sending: started.sending, encoding: (state) => encoded.push(state) });
  let settled = false;
  const outcome = setup.run().then((done) => ((settled = true), done));
  await waitFor(() => encoded.includes('SUCCESS'), { description: 'SUCCESS queued', intervalMs: 1, timeoutMs: 2_000 });
  assert.deepEqual(setup.states, [], 'STARTED is still in flight');
  assert.equal(settled, false);
  started.settle();
  assert.equal(await outcome, true);
  assert.deepEqual(setup.states, ['STARTED', 'SUCCESS']);
  assert.deepEqual(setup.terminal, ['SUCCESS']);
});

test('a STARTED that fails after SUCCESS was queued behind it: SUCCESS is never sent, and STARTED fails the attempt', async () => {
  const started = startedHeldInFlight();
  const encoded: string[] = [];
  const setup = runner(started.handler, { sending: started.sending, encoding: (state) => encoded.push(state) });
  const outcome = setup.run();
  await waitFor(() => encoded.includes('SUCCESS'), { description: 'SUCCESS queued', intervalMs: 1, timeoutMs: 2_000 });
  started.settle(new Error('the broker is away'));
  await assert.rejects(outcome, /the broker is away/);
  assert.deepEqual(setup.states, []);
  assert.deepEqual(setup.terminal, []);
});

test('a STARTED that cannot be produced fails the attempt (tried again in place) and nothing follows it', async () => {
  const setup = runner(async () => RESULT, {
    sending: async (batch) => {
      if (batch.includes('STARTED')) throw new Error('the broker is away');
    },
  });
  await assert.rejects(setup.run(), /the broker is away/);
  assert.deepEqual(setup.states, []);
  assert.deepEqual(setup.terminal, []);
  assert.deepEqual(setup.failed, [], 'not a failed attempt of the job: no RETRY, no attempt used up');
});

test('a SUCCESS that cannot be produced is not the job failing: tried again in place, no RETRY', async () => {
  const setup = runner(async () => RESULT, {
    sending: async (batch) => {
      if (batch.includes('SUCCESS')) throw new Error('the broker is away');
    },
  });
  await assert.rejects(setup.run(), /the broker is away/);
  assert.deepEqual(setup.failed, []);
  assert.deepEqual(setup.terminal, []);
  assert.deepEqual(setup.measured, ['started lane', 'abandoned lane']);
});

test('a result the status topic cannot take fails the job (what follows a failed attempt), not tried again in place', async () => {
  const setup = runner(async () => RESULT, {
    encoding: (state) => {
      if (state === 'SUCCESS') throw new SedanoError('SEDANO_ERR_CODEC_INVALID_RECORD', 'invalid: result: not a long');
    },
  });
  assert.equal(await setup.run(), true, 'settled: the message may be committed');
  assert.deepEqual(setup.states, ['STARTED', 'FAILURE']);
  assert.equal((setup.failed[0] as SedanoError).code, 'SEDANO_ERR_JOB_RESULT_INVALID');
  assert.deepEqual(setup.terminal, ['FAILURE']);
  assert.deepEqual(setup.measured, ['started lane', 'ended lane FAILURE']);
});

const redisAway = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));

test('reads that fail before the job starts are not the job failing: tried again in place, nothing reported', async () => {
  let ran = false;
  const setup = runner(async () => ((ran = true), RESULT), {
    stores: { ledger: { terminalState: redisAway, recordTerminal: async () => {} } },
  });
  await assert.rejects(setup.run(), /ECONNREFUSED/);
  assert.equal(ran, false);
  assert.deepEqual(setup.states, []);
  assert.deepEqual(setup.failed, []);
  assert.deepEqual(setup.measured, [], 'not an attempt for the metrics');
  assert.equal(setup.running.size, 0);
});

test('a rate limiter that fails is Redis failing: tried again in place; one aborted by a revoke is REVOKED', async () => {
  let ran = false;
  const failing = runner(async () => ((ran = true), RESULT), { rateLimiter: { acquire: redisAway } });
  await assert.rejects(failing.run(), /ECONNREFUSED/);
  assert.equal(ran, false);
  assert.deepEqual([failing.states, failing.failed], [[], []]);

  const revokedWhileWaiting = runner(async () => ((ran = true), RESULT), {
    rateLimiter: {
      // As the real one rejects when its sleep is aborted: with an AbortError, not the reason.
      acquire: (signal) =>
        new Promise((_, reject) =>
          signal?.addEventListener('abort', () => reject(new Error('The operation was aborted'))),
        ),
    },
  });
  const outcome = revokedWhileWaiting.run();
  await waitFor(() => revokedWhileWaiting.running.size === 1, { description: 'waiting', intervalMs: 1 });
  await setImmediate();
  revokedWhileWaiting.running.abortJob(noopRequestSample.header.jobId, () => new RevokedError('by the operator'));
  assert.equal(await outcome, true);
  assert.equal(ran, false);
  assert.deepEqual(revokedWhileWaiting.states, ['REVOKED']);
  assert.deepEqual(revokedWhileWaiting.failed, []);
});

/** A ledger whose first `failures` writes fail; `written` lists the states it took. */
function flakyLedger(failures: number) {
  const tried: string[] = [];
  const written: string[] = [];
  const ledger = {
    terminalState: async () => null,
    recordTerminal: async (_jobId: string, state: string) => {
      tried.push(state);
      if (tried.length <= failures) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      written.push(state);
    },
  };
  return { ledger, tried, written };
}

test('a ledger write that fails after SUCCESS is tried again on its own: the handler runs once, no RETRY', async () => {
  let runs = 0;
  const flaky = flakyLedger(3);
  const setup = runner(async () => ((runs += 1), RESULT), { stores: { ledger: flaky.ledger } });
  assert.equal(await setup.run(), true);
  assert.equal(runs, 1);
  assert.deepEqual(setup.states, ['STARTED', 'SUCCESS']);
  assert.deepEqual(flaky.tried, ['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
  assert.deepEqual(flaky.written, ['SUCCESS']);
  assert.deepEqual(setup.failed, []);
  assert.deepEqual(setup.measured, ['started lane', 'ended lane SUCCESS']);
});

test('the ledger writes of FAILURE and REVOKED are tried again on their own too', async () => {
  const failedLedger = flakyLedger(1);
  const failing = runner(
    async () => {
      throw new Error('the document is not a PDF');
    },
    { stores: { ledger: failedLedger.ledger } },
  );
  assert.equal(await failing.run(), true);
  assert.equal(failing.failed.length, 1, 'what follows a failed attempt ran once');
  assert.deepEqual(failing.states, ['STARTED', 'FAILURE']);
  assert.deepEqual(failedLedger.written, ['FAILURE']);

  const revokedLedger = flakyLedger(2);
  const refused = runner(async () => RESULT, { revoked: 'by the operator', stores: { ledger: revokedLedger.ledger } });
  assert.equal(await refused.run(), true);
  assert.deepEqual(refused.states, ['REVOKED']);
  assert.deepEqual(revokedLedger.written, ['REVOKED']);
});

test("a ledger write still failing at the worker's shutdown leaves the message uncommitted", async () => {
  const flaky = flakyLedger(Infinity);
  const setup = runner(async () => RESULT, { stores: { ledger: flaky.ledger } });
  const outcome = setup.run();
  await waitFor(() => flaky.tried.length >= 3, { description: 'three writes tried', intervalMs: 1 });
  setup.running.abortAll(() => new ShutdownError());
  assert.equal(await outcome, false);
  assert.deepEqual(setup.states, ['STARTED', 'SUCCESS']);
  assert.deepEqual(flaky.written, []);
  assert.deepEqual(setup.measured, ['started lane', 'abandoned lane'], 'not ended: the next owner runs it again');
});

/** A slot that logs when it is taken and given back, with what `seen()` says at that moment. */
function loggingSlot(log: string[], seen: () => string): Slot {
  let held = false;
  return {
    acquire: async () => void ((held = true), log.push(`acquire (${seen()})`)),
    release: () => {
      if (held) log.push(`release (${seen()})`);
      held = false;
    },
  };
}

test('the handler holds the slot: taken after the reads, given back before SUCCESS is produced and the ledger written', async () => {
  let produceSuccess!: () => void;
  const successHeld = new Promise<void>((resolve) => (produceSuccess = resolve));
  let handlerRan = false;
  const reads: string[] = [];
  const setup = runner(async () => ((handlerRan = true), RESULT), {
    stores: {
      ledger: {
        terminalState: async () => (reads.push('ledger'), null),
        recordTerminal: async (_id, state) => void setup.terminal.push(state),
      },
    },
    sending: async (batch) => {
      if (batch.includes('SUCCESS')) await successHeld;
    },
  });
  const log: string[] = [];
  const outcome = setup.run(
    loggingSlot(log, () => `reads ${reads.length}, handler ${handlerRan}, presence ${setup.running.views().length}`),
  );
  await waitFor(() => log.length === 2, { description: 'the slot given back', intervalMs: 1 });
  assert.deepEqual(log, [
    'acquire (reads 1, handler false, presence 0)',
    'release (reads 1, handler true, presence 1)',
  ]);
  assert.deepEqual(setup.terminal, [], 'the ledger is written after the slot is given back');
  assert.equal(setup.running.size, 1, 'the job is still taken on (it settles) after giving its slot back');
  produceSuccess();
  assert.equal(await outcome, true);
  assert.deepEqual(setup.states, ['STARTED', 'SUCCESS']);
  assert.deepEqual(setup.terminal, ['SUCCESS']);
  assert.equal(setup.running.size, 0);
});

test('a job refused or skipped never takes a slot; a failed one gives it back', async () => {
  const refused = runner(async () => RESULT, { revoked: 'by the operator' });
  const refusedLog: string[] = [];
  assert.equal(await refused.run(loggingSlot(refusedLog, () => '')), true);
  assert.deepEqual(refusedLog, []);
  assert.deepEqual(refused.states, ['REVOKED']);

  const failing = runner(async () => {
    throw new Error('handler failed');
  });
  const failedLog: string[] = [];
  assert.equal(await failing.run(loggingSlot(failedLog, () => '')), true);
  assert.deepEqual(failedLog, ['acquire ()', 'release ()']);
});

test('a job revoked while it waits for a slot never runs: REVOKED, and its place in the line is given up', async () => {
  const scheduler = new KeyedScheduler(1);
  const blocker = Promise.withResolvers<void>();
  scheduler.add('blocker', async (slot) => {
    await slot.acquire();
    await blocker.promise;
  });
  let ran = false;
  const setup = runner(async () => ((ran = true), RESULT));
  let outcome: Promise<boolean> | undefined;
  scheduler.add(noopRequestSample.header.jobId, async (slot) => void (outcome = setup.run(slot)));
  // The job's task hands its run to the runner and ends; the run itself waits for the blocker's slot.
  await waitFor(() => setup.running.size === 1 && scheduler.busySlots === 1, {
    description: 'the job waiting for the slot the blocker holds',
    intervalMs: 1,
  });
  await setImmediate();
  setup.running.abortJob(noopRequestSample.header.jobId, () => new RevokedError('by the operator'));
  assert.equal(await outcome, true);
  assert.equal(ran, false);
  assert.deepEqual(setup.states, ['REVOKED']);
  blocker.resolve();
  await scheduler.idle();
  assert.equal(scheduler.busySlots, 0);
});
