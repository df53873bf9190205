import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import type { IncomingMessage } from '../../../../../services/lib/kafka.ts';
import { MessageIntake, type MessageIntakeOptions } from '../../../../../services/lib/runtime/message-intake.ts';
import { OffsetTracker } from '../../../../../services/lib/runtime/offset-tracker.ts';
import { waitFor } from '../../../../support/wait.ts';

const LANES = ['high', 'normal', 'low'];

function message(topic: string, offset: string, key: string | null = null): IncomingMessage {
  return {
    topic,
    partition: 0,
    offset,
    key: key === null ? null : Buffer.from(key),
    value: null,
    headers: {},
    timestampMs: 0,
  };
}

function intake(t: TestContext, options: Partial<MessageIntakeOptions>) {
  const tracker = new OffsetTracker();
  const paused: string[] = [];
  const created = new MessageIntake({
    concurrency: 2,
    lanes: LANES,
    consumer: {
      pause: (targets) => void paused.push(...targets.map((target) => target.topic)),
      resume: () => {},
      seek: () => {},
    },
    tracker,
    process: async () => true,
    infrastructureBackoff: { initialBackoffMs: 10, maxBackoffMs: 40, backoffMultiplier: 2 },
    logger: pino({ level: 'silent' }),
    random: () => 0.999,
    ...options,
  });
  t.after(() => created.drain(0));
  created.open();
  return { intake: created, tracker, paused };
}

const committable = (tracker: OffsetTracker) => tracker.committable().map((entry) => entry.offset);

test('a message done with is finished; one left undone keeps its offset uncommitted', async (t) => {
  const { intake: open, tracker } = intake(t, { process: async (m) => m.offset !== '1' });
  for (const offset of ['0', '1', '2']) open.admit(message('normal', offset));
  await open.idle();
  assert.deepEqual(committable(tracker), ['1']);
  assert.equal(tracker.inFlight, 1);
});

test('a message whose processing throws is tried again in place, after growing jittered delays', async (t) => {
  const attempts: number[] = [];
  const { intake: open, tracker } = intake(t, {
    process: async () => {
      attempts.push(Date.now());
      if (attempts.length < 4) throw new Error('Redis is away');
      return true;
    },
  });
  open.admit(message('normal', '7'));
  await waitFor(() => attempts.length === 4 && tracker.inFlight === 0, { description: 'four attempts' });
  assert.deepEqual(committable(tracker), ['8']);
  const gaps = attempts.slice(1).map((at, index) => at - (attempts[index] ?? at));
  // Equal jitter at random 0.999: about 10, 20, then 40 ms (the cap).
  assert.ok((gaps[0] ?? 0) >= 9 && (gaps[2] ?? 0) >= 35, `gaps ${gaps.join(', ')}`);
});

test('draining stops taking messages in and cancels the pending tries', async (t) => {
  let attempts = 0;
  const { intake: open, tracker } = intake(t, {
    process: async () => {
      attempts += 1;
      throw new Error('the broker is away');
    },
  });
  open.admit(message('normal', '0'));
  await waitFor(() => attempts === 1, { description: 'the first attempt' });
  await open.drain(0);
  open.admit(message('normal', '1'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(attempts, 1);
  assert.deepEqual(committable(tracker), ['0'], 'left uncommitted for the next owner');
});

test('messages of one key run one after another, in order', async (t) => {
  const order: string[] = [];
  let running = 0;
  const { intake: open } = intake(t, {
    process: async (m) => {
      running += 1;
      assert.equal(running, 1, 'never two of one key at once');
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(m.offset);
      running -= 1;
      return true;
    },
  });
  for (const offset of ['0', '1', '2']) open.admit(message('normal', offset, 'job-1'));
  await open.idle();
  assert.deepEqual(order, ['0', '1', '2']);
});

test('while paused no job starts; resuming runs what was taken in', async (t) => {
  const seen: string[] = [];
  const { intake: open, paused } = intake(t, { process: async (m) => (seen.push(m.offset), true) });
  open.pause(true);
  assert.equal(open.paused, true);
  open.admit(message('low', '0'));
  assert.deepEqual(paused, ['low'], 'the partition that delivered is paused');
  assert.deepEqual(seen, []);
  open.pause(false);
  open.admit(message('low', '0'));
  await open.idle();
  assert.deepEqual(seen, ['0']);
});

test('a fetched batch is taken in whole, even past the point where the gate pauses its partition', async (t) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // Concurrency 2: a lower lane pauses at 8 jobs in hand.
  const { intake: open, tracker, paused } = intake(t, { process: async () => (await held, true) });
  open.admitBatch(Array.from({ length: 12 }, (_, offset) => message('normal', String(offset))));
  assert.deepEqual(paused, ['normal', 'normal', 'normal', 'normal', 'normal'], 'paused from the 8th message on');
  assert.equal(tracker.inFlight, 12, 'all 12 taken in: none is dropped to be fetched again');
  release();
  await open.idle();
  assert.deepEqual(committable(tracker), ['12']);
});

test('while the stage is paused a batch stops at its first message, sought back to for RESUME_STAGE', (t) => {
  const sought: string[] = [];
  const { intake: open, tracker } = intake(t, {
    consumer: { pause: () => {}, resume: () => {}, seek: (target) => void sought.push(target.offset) },
  });
  open.pause(true);
  open.admitBatch([message('normal', '5'), message('normal', '6'), message('normal', '7')]);
  assert.deepEqual(sought, ['5'], 'one seek, to the first message');
  assert.equal(tracker.inFlight, 0);
});
