import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineStage } from '../../../../../services/lib/runtime/stage.ts';
import { startTelemetry } from '../../../../../services/lib/telemetry.ts';
import { endpoints, onCleanup, uniqueName } from '../../../../support/resources.ts';
import { traceSpans } from '../../../../support/jaeger.ts';
import { stageSandbox } from './stage-sandbox.ts';

const states = (events: { state: string }[]) => events.map((event) => event.state);

/** The broker's smallest allowed session timeout (group.min.session.timeout.ms), so the test stays short. */
const SESSION_TIMEOUT_MS = 6_000;

const cpuStage = (options = {}) =>
  defineStage({ stage: 'noop', handlerModule: new URL('./cpu-handler.ts', import.meta.url), options });

test('a handler computing for 5x the session timeout in a thread keeps its consumer in the group and runs once', async (t) => {
  const sandbox = await stageSandbox(t);
  const runtime = await sandbox.start(cpuStage(), undefined, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
  const job = await sandbox.submit({ cpuSpinMs: 5 * SESSION_TIMEOUT_MS });
  const events = await sandbox.eventsUntil(job.header.jobId, 'SUCCESS', 120_000);
  assert.deepEqual(
    states(events).filter((state) => state !== 'PROGRESS'),
    ['STARTED', 'SUCCESS'],
  );
  assert.equal(events.at(-1)?.attempt, 1);
  const result = events.at(-1)?.result;
  const spunMs = result && 'sedano.NoopResult' in result ? result['sedano.NoopResult'].spunMs : 0;
  assert.ok(spunMs >= 5 * SESSION_TIMEOUT_MS, `the handler computed for ${spunMs} ms`);
  assert.equal(runtime.groupJoins, 1, 'the consumer joined its group once: never thrown out, no rebalance');
  assert.equal(runtime.threads?.stats.started, 1);
  assert.equal(runtime.skipped, 0);
});

test('the hard time limit terminates a thread that ignores its signal; the next job gets a fresh thread', async (t) => {
  const sandbox = await stageSandbox(t);
  const runtime = await sandbox.start(cpuStage({ concurrency: 1 }));
  // A thread already started: on a busy machine starting one can outlast the 300 ms soft limit,
  // and a job whose signal aborted before its thread was ready never runs (thread-pool.ts).
  const warmUp = await sandbox.submit({ cpuSpinMs: 1 });
  await sandbox.eventsUntil(warmUp.header.jobId, 'SUCCESS');
  const stuck = await sandbox.submit({ cpuSpinMs: 600_000 }, undefined, 1, {
    softTimeLimitMs: 300,
    hardTimeLimitMs: 1_000,
  });
  const failed = await sandbox.eventsUntil(stuck.header.jobId, 'FAILURE');
  assert.equal(failed.at(-1)?.error?.code, 'SEDANO_ERR_JOB_TIME_LIMIT');
  assert.match(failed.at(-1)?.error?.message ?? '', /hard time limit of 1000 ms/);
  const next = await sandbox.submit({ cpuSpinMs: 10 });
  await sandbox.eventsUntil(next.header.jobId, 'SUCCESS');
  assert.deepEqual(runtime.threads?.stats, { started: 2, recycled: 0, terminated: 1 });
});

test('a running job in a thread is revoked within 2 s even when it ignores its signal', async (t) => {
  const sandbox = await stageSandbox(t);
  await sandbox.start(cpuStage({ threads: { abortGraceMs: 500 } }));
  const job = await sandbox.submit({ cpuSpinMs: 600_000 });
  await sandbox.eventsUntil(job.header.jobId, 'STARTED');
  const revokedAt = Date.now();
  await sandbox.command({ command: 'REVOKE', jobId: job.header.jobId });
  const events = await sandbox.eventsUntil(job.header.jobId, 'REVOKED');
  const tookMs = (events.at(-1)?.occurredAt ?? Infinity) - revokedAt;
  t.diagnostic(`REVOKED ${tookMs} ms after the command was produced`);
  assert.ok(tookMs < 2_000, `took ${tookMs} ms`);
});

test('a job in a thread aborted by shutdown is not failed or retried: the next worker runs it again', async (t) => {
  const sandbox = await stageSandbox(t);
  const stage = cpuStage({ shutdownGraceMs: 100, threads: { abortGraceMs: 200 } });
  const [firstId, secondId] = [uniqueName('first-worker'), uniqueName('second-worker')];
  const first = await sandbox.start(stage, firstId);
  const job = await sandbox.submit({ cpuSpinMs: 2_000 });
  await sandbox.eventsUntil(job.header.jobId, 'STARTED');
  await first.close();
  assert.equal(first.state, 'stopped');
  assert.equal(await sandbox.ledger.terminalState(job.header.jobId), null, 'not ended by the first worker');

  await sandbox.start(stage, secondId);
  const events = await sandbox.eventsUntil(job.header.jobId, 'SUCCESS', 60_000);
  const moves = events.filter((event) => event.state !== 'PROGRESS');
  assert.deepEqual(
    moves.map((event) => `${event.state} on ${event.workerId}`),
    [`STARTED on ${firstId}`, `STARTED on ${secondId}`, `SUCCESS on ${secondId}`],
  );
});

test("a thread's spans nest under the job's consumer span, in the same trace in Jaeger", async (t) => {
  const serviceName = uniqueName('sedano-test-thread-trace');
  const { otlpEndpoint } = endpoints();
  const telemetry = startTelemetry({ serviceName, otlpEndpoint, exportDelayMs: 100 });
  onCleanup(t, () => telemetry.shutdown());
  const sandbox = await stageSandbox(t);
  const runtime = await sandbox.start(
    defineStage({ stage: 'noop', handlerModule: new URL('./traced-handler.ts', import.meta.url) }),
    undefined,
    { threadTelemetry: { serviceName, otlpEndpoint } },
  );
  const { traceId, job } = await telemetry.tracer.startActiveSpan('upstream submit', async (span) => {
    const submitted = await sandbox.submit();
    span.end();
    return { traceId: span.spanContext().traceId, job: submitted };
  });
  await sandbox.eventsUntil(job.header.jobId, 'SUCCESS');
  // Closing the runtime stops its threads, which export their last spans first.
  await runtime.close();
  await telemetry.shutdown();

  const byName = await traceSpans(traceId, 3);
  const process = byName.get('noop process');
  const work = byName.get('thread work');
  assert.ok(process && work, [...byName.keys()].join(', '));
  assert.equal(work.references[0]?.spanID, process.spanID, "the thread's span nests under the consumer span");
});
