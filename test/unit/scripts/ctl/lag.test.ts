import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLag } from '../../../../scripts/ctl/lag.ts';
import { partitionLag, topicLag } from '../../../../services/lib/lag.ts';

test('lag is the end offset minus the committed one', () => {
  assert.deepEqual(partitionLag({ partition: 0, low: '0', high: '10' }, '4'), { from: 4, end: 10, lag: 6 });
  assert.equal(partitionLag({ partition: 0, low: '0', high: '10' }, '10').lag, 0);
});

test('a partition the group never committed counts from the oldest message still in the log', () => {
  assert.equal(partitionLag({ partition: 0, low: '3', high: '10' }, '-1').lag, 7);
  assert.equal(partitionLag({ partition: 0, low: '3', high: '10' }, undefined).lag, 7);
});

test('a commit below the log start (retention deleted the rest) counts from the log start', () => {
  assert.equal(partitionLag({ partition: 0, low: '8', high: '10' }, '2').lag, 2);
});

test('messages below an earlier purge mark are not counted again', () => {
  assert.deepEqual(partitionLag({ partition: 0, low: '0', high: '10' }, '2', 7), { from: 7, end: 10, lag: 3 });
  assert.equal(partitionLag({ partition: 0, low: '0', high: '10' }, '2', 10).lag, 0);
});

test("a topic's lag sums its partitions and ignores other topics' commits", () => {
  const ends = [
    { partition: 0, low: '0', high: '5' },
    { partition: 1, low: '0', high: '7' },
    { partition: 2, low: '0', high: '0' },
  ];
  const committed = [
    { topic: 'lane', partition: 0, offset: '5' },
    { topic: 'lane', partition: 1, offset: '2' },
    { topic: 'other', partition: 2, offset: '100' },
  ];
  assert.equal(topicLag('lane', ends, committed), 5);
});

test('lag lines: one row per stage', () => {
  const lines = formatLag([
    {
      stage: 'noop',
      groupId: 'sedano.stage.noop',
      groupState: 'Stable',
      members: 2,
      lanes: { high: 1, normal: 20, low: 300 },
      total: 321,
    },
  ]);
  assert.deepEqual(lines, [
    'STAGE  HIGH  NORMAL  LOW  TOTAL  WORKERS  GROUP',
    'noop   1     20      300  321    2        Stable',
  ]);
});
