import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchPerTurn, coalesceReads, MAX_IDS_PER_READ } from '../../../../services/lib/turn-batcher.ts';

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

/** A readMany that records its calls and answers when told to (each call's answer: `<id>@<call>`). */
function controlledReads() {
  const calls: { ids: string[]; answer(): void; fail(error: Error): void }[] = [];
  const readMany = (ids: readonly string[]) =>
    new Promise<string[]>((resolve, reject) => {
      const call = calls.length;
      calls.push({ ids: [...ids], answer: () => resolve(ids.map((id) => `${id}@${call}`)), fail: reject });
    });
  return { calls, readMany };
}

/** The `index`th call, once sent: a read leaves in a turn after the one it was asked for in. */
async function sent<T>(calls: readonly T[], index: number): Promise<T> {
  for (let turns = 0; calls.length <= index; turns += 1) {
    assert.ok(turns < 10, `call ${index} was never sent`);
    await turn();
  }
  return calls[index]!;
}

test('coalesced reads: ids asked for in one turn leave in one call, each once, answers in order', async () => {
  const { calls, readMany } = controlledReads();
  const read = coalesceReads(readMany);
  const answers = Promise.all([read('a'), read('b'), read('a'), read('c')]);
  assert.equal(calls.length, 0, 'nothing is sent before the end of the turn');
  await turn();
  assert.deepEqual(
    calls.map((call) => call.ids),
    [['a', 'b', 'c']],
  );
  calls[0]!.answer();
  assert.deepEqual(await answers, ['a@0', 'b@0', 'a@0', 'c@0']);
});

test('coalesced reads: an id asked for while its read is in flight waits for a read sent after it (never stale)', async () => {
  const { calls, readMany } = controlledReads();
  const read = coalesceReads(readMany);
  const first = read('a');
  await turn();
  assert.equal(calls.length, 1);
  // Asked for after the first read left: that read may predate this request, so it is not used.
  const second = read('a');
  const other = read('b');
  await turn();
  assert.equal(calls.length, 1, 'one read in flight at a time: the next waits for it');
  calls[0]!.answer();
  assert.equal(await first, 'a@0');
  const next = await sent(calls, 1);
  assert.deepEqual(next.ids, ['a', 'b']);
  next.answer();
  assert.deepEqual(await Promise.all([second, other]), ['a@1', 'b@1']);
});

test('coalesced reads: a failed read fails its callers only, and the next read is sent', async () => {
  const { calls, readMany } = controlledReads();
  const read = coalesceReads(readMany);
  const failing = Promise.allSettled([read('a'), read('b')]);
  await turn();
  const later = read('a');
  calls[0]!.fail(new Error('redis down'));
  const settled = await failing;
  assert.deepEqual(
    settled.map((outcome) => outcome.status === 'rejected' && (outcome.reason as Error).message),
    ['redis down', 'redis down'],
  );
  (await sent(calls, 1)).answer();
  assert.equal(await later, 'a@1');
});

test('coalesced reads: a turn with more ids than one call takes is split across calls', async () => {
  const { calls, readMany } = controlledReads();
  const read = coalesceReads(readMany);
  const ids = Array.from({ length: MAX_IDS_PER_READ + 3 }, (_, i) => `job-${i}`);
  const answers = Promise.all(ids.map((id) => read(id)));
  await turn();
  assert.deepEqual(
    calls.map((call) => call.ids.length),
    [MAX_IDS_PER_READ, 3],
  );
  for (const call of calls) call.answer();
  const values = await answers;
  assert.equal(values[0], 'job-0@0');
  assert.equal(values.at(-1), `job-${MAX_IDS_PER_READ + 2}@1`);
});
