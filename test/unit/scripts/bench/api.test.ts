import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combinedFigures, parseApiOptions } from '../../../../scripts/bench/api.ts';

const round = (total: number, duration: number, p50: number, failures = 0) => ({
  requests: { average: total / duration, total },
  duration,
  latency: { p50, p97_5: p50 * 2, p99: p50 * 3 },
  non2xx: failures,
  errors: 0,
});

test('a target over its rounds: requests per second over all of them, percentiles the rounds median', () => {
  const figures = combinedFigures('GET', [round(20_000, 2, 1), round(10_000, 2, 4), round(30_000, 2, 2, 3)]);
  assert.equal(figures.requestsPerSecond, 10_000);
  assert.equal(figures.p50Ms, 2);
  assert.equal(figures.p97_5Ms, 4);
  assert.equal(figures.p99Ms, 6);
  assert.equal(figures.failures, 3);
  assert.equal(
    combinedFigures('GET', [round(1, 1, 1), round(1, 1, 3)]).p50Ms,
    2,
    'an even count: the mean of the middle two',
  );
});

test('the options: rounds default to 5 and must be a whole number above 0', () => {
  assert.equal(parseApiOptions([]).rounds, 5);
  assert.equal(parseApiOptions(['--rounds', '3']).rounds, 3);
  assert.throws(() => parseApiOptions(['--rounds', '0']), /--rounds/);
});
