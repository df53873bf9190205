import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HandledOffset, startIntervalCommits } from '../../../../services/lib/interval-commits.ts';
import { waitFor } from '../../../support/wait.ts';

/** A commit that records what it was given; `hold()` keeps the next one in flight until released. */
function fakeCommit() {
  const commits: HandledOffset[][] = [];
  let held: { promise: Promise<void>; release: () => void; fail: (error: Error) => void } | undefined;
  return {
    commits,
    hold() {
      let release!: () => void;
      let fail!: (error: Error) => void;
      const promise = new Promise<void>((resolve, reject) => ((release = resolve), (fail = reject)));
      held = { promise, release, fail };
      return held;
    },
    commit: async (offsets: HandledOffset[]) => {
      const current = held;
      held = undefined;
      if (current) await current.promise;
      commits.push(offsets);
    },
  };
}

const unexpected = (error: unknown) => assert.fail(`unexpected commit failure: ${String(error)}`);

const at = (partition: number, offset: string): HandledOffset => ({ topic: 'status', partition, offset });

test('commits the last handled offset of each partition once, and nothing when nothing was handled', async (t) => {
  const fake = fakeCommit();
  const commits = startIntervalCommits(fake.commit, { intervalMs: 60_000, onError: unexpected });
  t.after(() => commits.stop());
  await commits.flush();
  assert.deepEqual(fake.commits, []);
  commits.handled('status', 0, '4');
  commits.handled('status', 1, '9');
  commits.handled('status', 0, '7');
  await commits.flush();
  assert.deepEqual(fake.commits, [[at(0, '7'), at(1, '9')]]);
  await commits.flush();
  assert.equal(fake.commits.length, 1, 'nothing new was handled');
});

test('one commit at a time: what is handled while one is in flight goes in the next, right after', async (t) => {
  const fake = fakeCommit();
  const commits = startIntervalCommits(fake.commit, { intervalMs: 60_000, onError: unexpected });
  t.after(() => commits.stop());
  commits.handled('status', 0, '3');
  const first = fake.hold();
  const flushed = commits.flush();
  commits.handled('status', 0, '5');
  assert.equal(commits.flush(), flushed, 'a flush during a commit waits for the same round');
  first.release();
  await flushed;
  assert.deepEqual(fake.commits, [[at(0, '3')], [at(0, '5')]]);
});

test('a failed commit keeps its offsets for the next, unless the partition moved on or a rebalance came', async (t) => {
  const errors: unknown[] = [];
  const fake = fakeCommit();
  const commits = startIntervalCommits(fake.commit, { intervalMs: 60_000, onError: (error) => errors.push(error) });
  t.after(() => commits.stop());
  commits.handled('status', 0, '3');
  commits.handled('status', 1, '8');
  const failing = fake.hold();
  const flushed = commits.flush();
  commits.handled('status', 1, '10');
  failing.fail(new Error('the group is rebalancing'));
  await flushed;
  assert.equal(errors.length, 1);
  await commits.flush();
  assert.deepEqual(fake.commits, [[at(1, '10'), at(0, '3')]]);

  // A rebalance while a commit fails: its offsets may belong to another member now.
  commits.handled('status', 2, '6');
  const failingAgain = fake.hold();
  const flushedAgain = commits.flush();
  commits.assigned({ status: [0, 1, 2] });
  failingAgain.fail(new Error('the group is rebalancing'));
  await flushedAgain;
  await commits.flush();
  assert.equal(fake.commits.length, 1, 'the failed offsets were dropped after the rebalance');
});

test('a rebalance drops the handled offsets of the partitions the member no longer owns', async (t) => {
  const fake = fakeCommit();
  const commits = startIntervalCommits(fake.commit, { intervalMs: 60_000, onError: unexpected });
  t.after(() => commits.stop());
  commits.handled('status', 0, '3');
  commits.handled('status', 1, '8');
  commits.assigned({ status: [1], other: [0] });
  await commits.flush();
  assert.deepEqual(fake.commits, [[at(1, '8')]]);
});

test('commits on its own every interval; once stopped, only when flushed', async () => {
  const fake = fakeCommit();
  const commits = startIntervalCommits(fake.commit, { intervalMs: 5, onError: unexpected });
  commits.handled('status', 0, '1');
  await waitFor(() => fake.commits.length === 1, { description: 'the periodic commit' });
  commits.stop();
  commits.handled('status', 0, '2');
  await commits.flush();
  assert.deepEqual(fake.commits, [[at(0, '1')], [at(0, '2')]]);
});
