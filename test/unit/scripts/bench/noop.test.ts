import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workloadLabel } from '../../../../scripts/bench/load.ts';
import { noopWorkloads, parseNoopOptions } from '../../../../scripts/bench/noop.ts';
import { summarizeRounds } from '../../../../scripts/bench/stats.ts';

/** A round of `jobs` submitted at `at`, the i-th seen `latencyMs(i)` later. */
function round(at: number, jobs: number, latencyMs: (i: number) => number) {
  const timings = Array.from({ length: jobs }, (_, i) => ({ submittedAt: at, visibleAt: at + latencyMs(i) }));
  return { timings, submitted: jobs, firstSubmittedAt: at };
}

test("rounds of a burst: jobs and durations add up, each round's throughput kept, latencies pooled", () => {
  // 100 jobs in 1 s, then 100 jobs in 4 s: 200 jobs in 5 s, not the rounds' mean (62.5/s).
  const summary = summarizeRounds([round(1_000, 100, (i) => (i + 1) * 10), round(50_000, 100, (i) => (i + 1) * 40)]);
  assert.equal(summary.submitted, 200);
  assert.equal(summary.completed, 200);
  assert.equal(summary.durationMs, 5_000);
  assert.equal(summary.throughputPerSecond, 40);
  assert.deepEqual(summary.roundThroughputs, [100, 25]);
  assert.equal(summary.p50Ms, 800, 'the 100th of the pooled 200 latencies (80 of the first round, 20 of the second)');
  assert.equal(summary.maxMs, 4_000);
});

test('one round is summarized as it was on its own; a round with no success adds no duration', () => {
  const one = summarizeRounds([round(0, 4, (i) => [5, 1, 3, 2][i]!)]);
  assert.equal(one.throughputPerSecond, 4 / 0.005);
  assert.equal(one.p50Ms, 2);
  assert.deepEqual(one.roundThroughputs, [800]);
  const withLost = summarizeRounds([round(0, 4, () => 5), { timings: [], submitted: 3, firstSubmittedAt: 10 }]);
  assert.equal(withLost.submitted, 7);
  assert.equal(withLost.completed, 4);
  assert.equal(withLost.durationMs, 5);
  assert.ok(Number.isNaN(withLost.roundThroughputs[1]));
  assert.ok(Number.isNaN(summarizeRounds([]).throughputPerSecond));
});

test('the burst runs 3 rounds by default, labelled as such; --burst-rounds must be a whole number above 0', () => {
  const options = parseNoopOptions([]);
  assert.equal(options.burstRounds, 3);
  const burst = noopWorkloads(options).at(-1)!;
  assert.deepEqual(burst, { kind: 'burst', jobs: 20_000, rounds: 3 });
  assert.equal(workloadLabel(burst), '3 bursts of 20000');
  assert.equal(workloadLabel({ kind: 'burst', jobs: 200, rounds: 1 }), 'burst of 200');
  assert.equal(parseNoopOptions(['--burst-rounds', '1']).burstRounds, 1);
  assert.throws(() => parseNoopOptions(['--burst-rounds', '0']), /--burst-rounds: expected a whole number/);
});
