import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatDuration,
  formatProgress,
  formatTable,
  parseWholeNumber,
  UsageError,
} from '../../../../scripts/ctl/output.ts';

test('tables align every column but the last, with no trailing spaces', () => {
  assert.deepEqual(
    formatTable(
      ['STAGE', 'WORKER', 'STATE'],
      [
        ['noop', 'noop@a:1', 'alive'],
        ['indexing', 'x', ''],
      ],
    ),
    ['STAGE     WORKER    STATE', 'noop      noop@a:1  alive', 'indexing  x'],
  );
});

test('durations read as people say them', () => {
  assert.equal(formatDuration(850), '850ms');
  assert.equal(formatDuration(12_340), '12.3s');
  assert.equal(formatDuration(245_000), '4m05s');
  assert.equal(formatDuration(7_620_000), '2h07m');
  assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3d04h');
  assert.equal(formatDuration(-1), '-');
});

test('progress shows current/total, a percentage when there is a total, and the message', () => {
  assert.equal(formatProgress(null), '-');
  assert.equal(formatProgress({ current: 3, total: 10, message: 'chunks' }), '3/10 (30%) chunks');
  assert.equal(formatProgress({ current: 0, total: 0, message: null }), '0/0');
});

test('whole-number options refuse anything else with a usage error naming the option', () => {
  assert.equal(parseWholeNumber('--timeout', '5000', 1), 5000);
  for (const bad of ['', '-1', '1.5', 'abc', '0']) {
    assert.throws(
      () => parseWholeNumber('--timeout', bad, 1),
      (error: unknown) => error instanceof UsageError && error.exitCode === 2 && /--timeout/.test(error.message),
    );
  }
});
