import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedScheduler, type Slot } from '../../../../../services/lib/runtime/keyed-scheduler.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A task that logs its start, takes a slot (at `priority`), logs it, and holds it until its gate opens. */
function slotTask(log: string[], gates: Map<string, ReturnType<typeof deferred>>, name: string) {
  return async (slot: Slot) => {
    log.push(`start ${name}`);
    const gate = deferred();
    gates.set(name, gate);
    await slot.acquire();
    log.push(`slot ${name}`);
    await gate.promise;
    log.push(`end ${name}`);
  };
}

test('tasks start once their key is free, in order per key; at most `concurrency` hold a slot', async () => {
  const scheduler = new KeyedScheduler(2);
  const log: string[] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  scheduler.add('a', slotTask(log, gates, 'a1'));
  scheduler.add('a', slotTask(log, gates, 'a2'));
  scheduler.add('b', slotTask(log, gates, 'b1'));
  scheduler.add('c', slotTask(log, gates, 'c1'));
  await turn();
  assert.deepEqual(log, ['start a1', 'start b1', 'start c1', 'slot a1', 'slot b1'], 'a2 waits for a1; c1 for a slot');
  assert.equal(scheduler.busySlots, 2);
  assert.equal(scheduler.size, 4);
  gates.get('a1')!.resolve();
  await turn();
  assert.deepEqual(log.slice(5), ['end a1', 'start a2', 'slot c1'], 'c1 got the slot a1 freed; a2 started');
  gates.get('b1')!.resolve();
  await turn();
  assert.ok(log.includes('slot a2'));
  gates.get('a2')!.resolve();
  gates.get('c1')!.resolve();
  await scheduler.idle();
  assert.equal(scheduler.size, 0);
  assert.equal(scheduler.busySlots, 0);
});

test('setSlots: lowered, held slots go on and none is lent until fewer are held; raised, waiting tasks start at once; never past the concurrency', async () => {
  const scheduler = new KeyedScheduler(3);
  const log: string[] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  for (const name of ['a', 'b', 'c', 'd', 'e']) scheduler.add(name, slotTask(log, gates, name));
  await turn();
  assert.equal(scheduler.busySlots, 3);
  assert.equal(scheduler.setSlots(1), 1);
  assert.equal(scheduler.slots, 1);
  gates.get('a')!.resolve();
  gates.get('b')!.resolve();
  await turn();
  assert.equal(scheduler.busySlots, 1, 'two slots freed, none lent again: c still holds one');
  assert.ok(!log.includes('slot d'));
  gates.get('c')!.resolve();
  await turn();
  assert.ok(log.includes('slot d') && !log.includes('slot e'), 'one at a time');
  assert.equal(scheduler.setSlots(10), 3, 'no more than the concurrency');
  await turn();
  assert.ok(log.includes('slot e'), 'raised: the waiting task got a slot at once');
  assert.equal(scheduler.busySlots, 2);
  assert.equal(scheduler.setSlots(0), 1, 'at least one');
  gates.get('d')!.resolve();
  gates.get('e')!.resolve();
  await scheduler.idle();
});

test('a failing task frees its slot and its key', async () => {
  const scheduler = new KeyedScheduler(1);
  scheduler.add('k', async (slot) => {
    await slot.acquire();
    throw new Error('boom');
  });
  let ran = false;
  scheduler.add('k', async (slot) => {
    await slot.acquire();
    ran = true;
  });
  await scheduler.idle();
  assert.equal(ran, true);
  assert.equal(scheduler.busySlots, 0);
});

/** A scheduler of one slot, held by a task until `blocker` resolves; `record(name)` logs when its task gets the slot. */
function oneSlotTaken() {
  const scheduler = new KeyedScheduler(1);
  const order: string[] = [];
  const blocker = deferred();
  scheduler.add('blocker', async (slot) => {
    await slot.acquire();
    await blocker.promise;
  });
  const record = (name: string) => async (slot: Slot) => {
    await slot.acquire();
    order.push(name);
  };
  return { scheduler, order, record, blocker };
}

test('a free slot goes to the best priority waiting for one, oldest first', async () => {
  const { scheduler, order, record, blocker } = oneSlotTaken();
  scheduler.add('low-1', record('low-1'), 2);
  scheduler.add('normal', record('normal'), 1);
  scheduler.add('low-2', record('low-2'), 2);
  scheduler.add('high-1', record('high-1'), 0);
  scheduler.add('high-2', record('high-2'), 0);
  await turn();
  blocker.resolve();
  await scheduler.idle();
  assert.deepEqual(order, ['high-1', 'high-2', 'normal', 'low-1', 'low-2']);
});

test('a task of a key never asks for a slot ahead of an older task of its key, whatever its priority', async () => {
  const { scheduler, order, record, blocker } = oneSlotTaken();
  scheduler.add('same', record('same key, low'), 2);
  scheduler.add('same', record('same key, high'), 0);
  scheduler.add('other', record('other, normal'), 1);
  await turn();
  blocker.resolve();
  await scheduler.idle();
  assert.deepEqual(order, ['other, normal', 'same key, low', 'same key, high']);
});

test('a held scheduler lends no slot; a stopped one refuses every request, waiting or later, and forgets tasks not started', async () => {
  const scheduler = new KeyedScheduler(1);
  const ran: string[] = [];
  scheduler.hold(true);
  scheduler.add('a', async (slot) => {
    await slot.acquire();
    ran.push('a');
  });
  await turn();
  assert.equal(ran.length, 0);
  scheduler.hold(false);
  await scheduler.idle();
  assert.deepEqual(ran, ['a']);

  scheduler.hold(true);
  const refusals: unknown[] = [];
  scheduler.add('b', async (slot) => {
    await slot.acquire().catch((error: unknown) => void refusals.push(error));
  });
  scheduler.add('b', async () => void ran.push('b2'));
  await turn();
  assert.equal(
    scheduler.stop(() => new Error('shutting down')),
    1,
    'b2 never started',
  );
  scheduler.add('c', async (slot) => {
    await slot.acquire().catch((error: unknown) => void refusals.push(error));
  });
  await scheduler.idle();
  assert.deepEqual(ran, ['a']);
  assert.equal(refusals.length, 2);
  for (const refusal of refusals) assert.match(String(refusal), /shutting down/);
});

test('a task that gives its slot back lets the next one have it, yet keeps its key and counts until it ends', async () => {
  const scheduler = new KeyedScheduler(1);
  const log: string[] = [];
  const finishFirst = deferred();
  scheduler.add('a', async (slot) => {
    await slot.acquire();
    log.push('handler a1');
    slot.release();
    slot.release(); // a second call changes nothing
    await finishFirst.promise;
    log.push('end a1');
  });
  scheduler.add('a', async (slot) => {
    await slot.acquire();
    log.push('handler a2');
  });
  const finishB = deferred();
  scheduler.add('b', async (slot) => {
    await slot.acquire();
    log.push('handler b1');
    await finishB.promise;
  });
  await turn();
  assert.deepEqual(log, ['handler a1', 'handler b1'], 'b1 took the slot a1 gave back; a2 waits for a1 to end');
  assert.equal(scheduler.size, 3, 'a1 still counts while it settles');
  assert.equal(scheduler.busySlots, 1);
  finishFirst.resolve();
  await turn();
  assert.deepEqual(log.slice(2), ['end a1'], 'a2 started, and waits for the slot b1 holds');
  finishB.resolve();
  await scheduler.idle();
  assert.deepEqual(log.slice(3), ['handler a2']);
});

test('a task whose signal aborts while it waits for a slot stops waiting, with the signal reason', async () => {
  const scheduler = new KeyedScheduler(1);
  const blocker = deferred();
  scheduler.add('blocker', async (slot) => {
    await slot.acquire();
    await blocker.promise;
  });
  const controller = new AbortController();
  let refused: unknown;
  scheduler.add('waiting', async (slot) => {
    await slot.acquire(controller.signal).catch((error: unknown) => (refused = error));
  });
  let third = false;
  scheduler.add('third', async (slot) => {
    await slot.acquire();
    third = true;
  });
  await turn();
  controller.abort(new Error('revoked'));
  await turn();
  assert.match(String(refused), /revoked/);
  blocker.resolve();
  await scheduler.idle();
  assert.equal(third, true, 'the aborted request gave up its place in the line');
  assert.equal(scheduler.busySlots, 0);
});
