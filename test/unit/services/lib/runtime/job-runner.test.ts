import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { pino } from 'pino';
import type { JobStatusEvent } from '../../../../../schemas/job-status-event.ts';
import type { Codec } from '../../../../../services/lib/codec.ts';
import type { IncomingMessage } from '../../../../../services/lib/kafka.ts';
import { fromPlainError, toPlainError } from '../../../../../services/lib/runtime/thread-messages.ts';
import { RevokedError, ShutdownError } from '../../../../../services/lib/runtime/abort-reasons.ts';
import { JobRunner } from '../../../../../services/lib/runtime/job-runner.ts';
import { RunningJobs } from '../../../../../services/lib/runtime/running-jobs.ts';
import { SequenceClock } from '../../../../../services/lib/runtime/sequence-clock.ts';
import type { StageHandler } from '../../../../../services/lib/runtime/stage.ts';
import type { StageMetrics } from '../../../../../services/lib/runtime/stage-metrics.ts';
import { noopRequestSample } from '../../../schemas/samples.ts';
import { contractBindings } from '../../../../../topology/contracts.ts';
import { topologyNames } from '../../../../../topology/names.ts';

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

/** A runner over in-memory stores; `states` lists the status events it produced. */
function runner(handler: StageHandler<'noop'>, { revoked = null as string | null } = {}) {
  const states: string[] = [];
  /** What the runner told the metrics, e.g. `started lane`, `ended lane SUCCESS`. */
  const measured: string[] = [];
  const terminal: string[] = [];
  const failed: unknown[] = [];
  const running = new RunningJobs();
  const created = new JobRunner({
    stage: 'noop',
    handler,
    options: { progressIntervalMs: 0, softTimeLimitMs: undefined, hardTimeLimitMs: undefined },
    producer: {
      send: async (_topic, messages) => {
        for (const sent of messages) states.push((sent.value as unknown as JobStatusEvent).state);
      },
      close: async () => {},
    },
    codec: {
      toMessage: async (_binding: unknown, key: string, value: unknown) => ({ key, value }),
    } as unknown as Codec,
    clock: new SequenceClock(Date.now),
    workerId: 'worker-1',
    statusTopic: 'status',
    statusBinding: contractBindings(topologyNames('sedano-unit')).status,
    ledger: { terminalState: async () => null, recordTerminal: async (_id, state) => void terminal.push(state) },
    revocations: { revoke: async () => {}, reasonRevoked: async () => revoked },
    purgeMarks: { markPurge: async () => {}, purgeMark: async () => undefined },
    rateLimiter: undefined,
    failedAttempt: async (_message, _header, _attempt, reporter, error) => {
      failed.push(error);
      await reporter.failed({ code: 'SEDANO_ERR_JOB_FAILED', type: 'Error', message: 'x', retriable: false });
      return 'FAILURE';
    },
    running,
    tracer: trace.getTracer('test'),
    logger: pino({ level: 'silent' }),
    now: Date.now,
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
  const run = () => created.run(message, noopRequestSample, ROOT_CONTEXT);
  return { run, states, terminal, failed, running, measured };
}

test('a successful attempt reports STARTED then SUCCESS and is remembered as ended', async () => {
  const { run, states, terminal, running, measured } = runner(async () => RESULT);
  assert.equal(await run(), true);
  assert.deepEqual(measured, ['started lane', 'ended lane SUCCESS']);
  assert.deepEqual(states, ['STARTED', 'SUCCESS']);
  assert.deepEqual(terminal, ['SUCCESS']);
  assert.equal(running.size, 0);
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
