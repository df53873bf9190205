import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDurationMs, parseSizeBytes } from '../../../../services/lib/units.ts';

test('durations: ms, s, m, h, d, w, fractions, and a bare number in the given unit', () => {
  assert.equal(parseDurationMs('250ms'), 250);
  assert.equal(parseDurationMs('30s'), 30_000);
  assert.equal(parseDurationMs('5m'), 300_000);
  assert.equal(parseDurationMs('1.5h'), 5_400_000);
  assert.equal(parseDurationMs('7d'), 604_800_000);
  assert.equal(parseDurationMs('2w'), 1_209_600_000);
  assert.equal(parseDurationMs(' 10 s '), 10_000);
  assert.equal(parseDurationMs('1500'), 1500);
  assert.equal(parseDurationMs('90', 's'), 90_000);
  assert.equal(parseDurationMs('0s'), 0);
});

test('anything else is not a duration', () => {
  for (const text of ['', 'soon', '-1s', '1y', '1e3', '30 seconds', '1.0005s', 's', '30S']) {
    assert.equal(parseDurationMs(text), undefined, JSON.stringify(text));
  }
});

test('sizes: decimal units are powers of 1000, binary ones of 1024, a bare number is bytes', () => {
  assert.equal(parseSizeBytes('512B'), 512);
  assert.equal(parseSizeBytes('64KiB'), 65_536);
  assert.equal(parseSizeBytes('64MiB'), 67_108_864);
  assert.equal(parseSizeBytes('1.5GiB'), 1_610_612_736);
  assert.equal(parseSizeBytes('10MB'), 10_000_000);
  assert.equal(parseSizeBytes('1GB'), 1_000_000_000);
  assert.equal(parseSizeBytes('2KB'), 2_000);
  assert.equal(parseSizeBytes('4096'), 4096);
  assert.equal(parseSizeBytes(' 1 MiB '), 1_048_576);
});

test('anything else is not a size', () => {
  for (const text of ['', 'big', '-1MB', '1TB', '64mib', '1.3B', 'MiB']) {
    assert.equal(parseSizeBytes(text), undefined, JSON.stringify(text));
  }
});
