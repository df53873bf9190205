import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { PartitionOffset } from '../../../../../services/lib/kafka.ts';
import { startOffsetCommitter } from '../../../../../services/lib/runtime/offset-committer.ts';
import { OffsetTracker } from '../../../../../services/lib/runtime/offset-tracker.ts';

function fakeConsumer(fail = false) {
  const commits: PartitionOffset[][] = [];
  let listener: (assignment: Record<string, number[]>) => void = () => {};
  return {
    commits,
    assign: (assignment: Record<string, number[]>) => listener(assignment),
    consumer: {
      commit: async (offsets: readonly PartitionOffset[]) => {
        if (fail) throw new Error('the group rebalanced');
        commits.push([...offsets]);
      },
      onAssignment: (next: typeof listener) => void (listener = next),
    },
  };
}

test('commits up to the lowest unfinished message, and forgets partitions a rebalance took away', async (t) => {
  const tracker = new OffsetTracker();
  const fake = fakeConsumer();
  const committer = startOffsetCommitter({
    consumer: fake.consumer,
    tracker,
    intervalMs: 60_000,
    logger: pino({ level: 'silent' }),
  });
  t.after(() => committer.stop());
  tracker.begin('lane', 0, '5');
  tracker.begin('lane', 0, '6');
  tracker.begin('lane', 1, '3');
  tracker.finish('lane', 0, '6');
  fake.assign({ lane: [0, 1] });
  await committer.commit();
  assert.deepEqual(fake.commits.at(-1), [
    { topic: 'lane', partition: 0, offset: '5' },
    { topic: 'lane', partition: 1, offset: '3' },
  ]);
  fake.assign({ lane: [0] });
  await committer.commit();
  assert.deepEqual(fake.commits.at(-1), [{ topic: 'lane', partition: 0, offset: '5' }]);
  assert.equal(committer.groupJoins, 2);
});

test('a failed commit is logged, not thrown: the messages are redelivered to their new owner', async (t) => {
  const warnings: unknown[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const committer = startOffsetCommitter({
    consumer: fakeConsumer(true).consumer,
    tracker: new OffsetTracker(),
    intervalMs: 60_000,
    logger,
  });
  t.after(() => committer.stop());
  await committer.commit();
  assert.equal(warnings.length, 1);
});
