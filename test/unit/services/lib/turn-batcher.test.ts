import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchPerTurn } from '../../../../services/lib/turn-batcher.ts';

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('inputs given in one turn run as one call, repeats kept, answers by index', async () => {
  const calls: number[][] = [];
  const double = batchPerTurn<number, number>(
    async (inputs) => {
      calls.push([...inputs]);
      return inputs.map((input) => input * 2);
    },
    { maxPerCall: 3 },
  );
  const answers = Promise.all([1, 2, 2, 3, 4].map((input) => double(input)));
  assert.deepEqual(calls, [], 'nothing runs before the end of the turn');
  assert.deepEqual(await answers, [2, 4, 4, 6, 8]);
  assert.deepEqual(calls, [
    [1, 2, 2],
    [3, 4],
  ]);
});

test('an input given while a call is in flight waits for the next call', async () => {
  const calls: string[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const echo = batchPerTurn<string, string>(
    async (inputs) => {
      calls.push([...inputs]);
      await gate;
      return inputs;
    },
    { maxPerCall: 10 },
  );
  const first = echo('a');
  await turn();
  const second = echo('b');
  await turn();
  assert.deepEqual(calls, [['a']], 'one call in flight at a time');
  release();
  assert.deepEqual(await Promise.all([first, second]), ['a', 'b']);
  assert.deepEqual(calls, [['a'], ['b']]);
});

test('a failed call rejects its own inputs only', async () => {
  let calls = 0;
  const run = batchPerTurn<string, string>(
    async (inputs) => {
      calls += 1;
      if (calls === 1) throw new Error('redis down');
      return inputs;
    },
    { maxPerCall: 10 },
  );
  const failed = Promise.allSettled([run('a'), run('b')]);
  await turn();
  const later = run('c');
  assert.deepEqual(
    (await failed).map((outcome) => outcome.status),
    ['rejected', 'rejected'],
  );
  assert.equal(await later, 'c');
});
