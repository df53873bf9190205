import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedScheduler } from '../../../../../services/lib/runtime/keyed-scheduler.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('runs up to the concurrency at once, one task per key at a time, in order per key', async () => {
  const scheduler = new KeyedScheduler(2);
  const log: string[] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const task = (name: string) => () => {
    log.push(`start ${name}`);
    const gate = deferred();
    gates.set(name, gate);
    return gate.promise.then(() => void log.push(`end ${name}`));
  };
  scheduler.add('a', task('a1'));
  scheduler.add('a', task('a2'));
  scheduler.add('b', task('b1'));
  scheduler.add('c', task('c1'));
  assert.deepEqual(log, ['start a1', 'start b1'], 'a2 waits for a1 although a slot is free for it');
  assert.equal(scheduler.full, true);
  gates.get('a1')?.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log.slice(2), ['end a1', 'start a2']);
  gates.get('b1')?.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(log.includes('start c1'));
  gates.get('a2')?.resolve();
  gates.get('c1')?.resolve();
  await scheduler.idle();
  assert.equal(scheduler.size, 0);
});

test('a failing task frees its slot and its key', async () => {
  const scheduler = new KeyedScheduler(1);
  scheduler.add('k', () => Promise.reject(new Error('boom')));
  let ran = false;
  scheduler.add('k', async () => void (ran = true));
  await scheduler.idle();
  assert.equal(ran, true);
});

test('a free slot goes to the highest priority waiting, oldest first, never ahead of an older task of its key', async () => {
  const scheduler = new KeyedScheduler(1);
  const order: string[] = [];
  let release!: () => void;
  scheduler.add('blocker', () => new Promise<void>((resolve) => (release = resolve)));
  const record = (name: string) => async () => void order.push(name);
  scheduler.add('low-1', record('low-1'), 2);
  scheduler.add('low-2', record('low-2'), 2);
  scheduler.add('same', record('same key, low'), 2);
  scheduler.add('same', record('same key, high'), 0);
  scheduler.add('high', record('high'), 0);
  release();
  await scheduler.idle();
  assert.deepEqual(order, ['high', 'low-1', 'low-2', 'same key, low', 'same key, high']);
});

test('a held scheduler starts nothing new; dropped waiting tasks never run', async () => {
  const scheduler = new KeyedScheduler(1);
  const ran: string[] = [];
  scheduler.hold(true);
  scheduler.add('a', async () => void ran.push('a'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ran.length, 0);
  scheduler.hold(false);
  await scheduler.idle();
  assert.deepEqual(ran, ['a']);
  scheduler.hold(true);
  scheduler.add('b', async () => void ran.push('b'));
  assert.equal(scheduler.dropWaiting(), 1);
  await scheduler.idle();
  assert.deepEqual(ran, ['a']);
});

test('the best priority waiting runs first whatever its number, also after waiting tasks were dropped', async () => {
  const scheduler = new KeyedScheduler(1);
  const order: string[] = [];
  let release!: () => void;
  const block = () => scheduler.add('blocker', () => new Promise<void>((resolve) => (release = resolve)));
  const record = (name: string) => async () => void order.push(name);
  block();
  scheduler.add('high', record('dropped'), 0);
  scheduler.dropWaiting();
  scheduler.add('low', record('low'), 2);
  scheduler.add('same', record('same key, low'), 2);
  scheduler.add('same', record('same key, normal'), 1);
  scheduler.add('normal-1', record('normal-1'), 1);
  scheduler.add('normal-2', record('normal-2'), 1);
  release();
  await scheduler.idle();
  assert.deepEqual(order, ['normal-1', 'normal-2', 'low', 'same key, low', 'same key, normal']);
});

test('a task that gives its slot back lets the next start, yet keeps its key and counts until it ends', async () => {
  const scheduler = new KeyedScheduler(1);
  const log: string[] = [];
  let finishFirst!: () => void;
  scheduler.add('a', async (release) => {
    log.push('start a1');
    release();
    release(); // a second call changes nothing
    await new Promise<void>((resolve) => (finishFirst = resolve));
    log.push('end a1');
  });
  scheduler.add('a', async () => void log.push('start a2'));
  let finishB!: () => void;
  scheduler.add('b', () => (log.push('start b1'), new Promise<void>((resolve) => (finishB = resolve))));
  scheduler.add('c', async () => void log.push('start c1'));
  assert.deepEqual(log, ['start a1', 'start b1'], 'b1 took the slot a1 gave back; a2 waits for a1 to end');
  assert.equal(scheduler.size, 4, 'a1 still counts while it settles');
  let idle = false;
  const idled = scheduler.idle().then(() => (idle = true));
  finishB();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log.slice(2), ['start c1'], 'a2 still waits: a1 holds its key until it ends');
  assert.equal(idle, false);
  finishFirst();
  await idled;
  assert.deepEqual(log.slice(3), ['end a1', 'start a2']);
  assert.equal(scheduler.size, 0);
});
