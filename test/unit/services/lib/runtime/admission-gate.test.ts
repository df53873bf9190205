import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingMessage, PartitionOffset, PartitionTarget } from '../../../../../services/lib/kafka.ts';
import { AdmissionGate, admissionLimit, resumeLevel } from '../../../../../services/lib/runtime/admission-gate.ts';

function message(topic: string, partition: number, offset: string): IncomingMessage {
  return { topic, partition, offset, key: null, value: null, headers: {}, timestampMs: 0 };
}

function recorder() {
  const calls: string[] = [];
  const name = (targets: readonly PartitionTarget[]) => targets.map((t) => `${t.topic}/${t.partition}`).join(',');
  return {
    calls,
    consumer: {
      pause: (targets: readonly PartitionTarget[]) => void calls.push(`pause ${name(targets)}`),
      resume: (targets: readonly PartitionTarget[]) => void calls.push(`resume ${name(targets)}`),
      seek: (target: PartitionOffset) => void calls.push(`seek ${target.topic}/${target.partition}@${target.offset}`),
    },
  };
}

test('lower lanes pause at four times the concurrency, the highest lane at eight; both resume at half', () => {
  assert.equal(admissionLimit(2, 8), 32);
  assert.equal(admissionLimit(0, 8), 64);
  assert.equal(resumeLevel(2, 8), 16);
});

test('a full lane pauses the partition that delivered, and resumes it when a job finishes', () => {
  let inHand = 0;
  const { calls, consumer } = recorder();
  const gate = new AdmissionGate(2, () => inHand, consumer);
  for (const offset of ['0', '1', '2', '3', '4', '5', '6', '7']) {
    assert.equal(gate.offer(message('low', 0, offset), 2), true);
    inHand += 1;
    gate.taken(message('low', 0, offset), 2);
  }
  assert.equal(gate.offer(message('high', 0, '0'), 0), true);
  inHand += 1;
  gate.taken(message('high', 0, '0'), 0);
  assert.deepEqual(calls, ['pause low/0'], 'the HIGH partition keeps flowing');
  inHand = 5;
  gate.changed();
  assert.deepEqual(calls, ['pause low/0'], 'still above half the limit');
  inHand = 4;
  gate.changed();
  assert.deepEqual(calls, ['pause low/0', 'resume low/0']);
});

test('while suspended nothing is taken in: the partition pauses and seeks back to the message', () => {
  const { calls, consumer } = recorder();
  const gate = new AdmissionGate(2, () => 0, consumer);
  gate.suspend(true);
  assert.equal(gate.offer(message('low', 3, '42'), 2), false);
  assert.deepEqual(calls, ['pause low/3', 'seek low/3@42']);
  gate.suspend(false);
  assert.deepEqual(calls.at(-1), 'resume low/3');
});

test('fast jobs get a buffer that lasts a refill: the resume level covers the jobs that end meanwhile, up to 64 x concurrency', () => {
  assert.equal(admissionLimit(2, 16, 10), 64, 'slow jobs: four times the concurrency');
  assert.equal(admissionLimit(2, 16, 150), 300);
  assert.equal(resumeLevel(2, 16, 150), 150);
  assert.equal(admissionLimit(0, 16, 150), 600, 'the highest lane: twice the lower lanes');
  assert.equal(admissionLimit(2, 16, 10_000), 1024, 'capped');
});

test('the gate measures how fast jobs end and pauses later (and resumes sooner) when they end fast', () => {
  let now = 0;
  let inHand = 0;
  const { calls, consumer } = recorder();
  const gate = new AdmissionGate(4, () => inHand, consumer, { refillMs: 100, now: () => now });
  const take = (offset: number) => {
    inHand += 1;
    gate.taken(message('low', 0, String(offset)), 2);
  };
  for (let offset = 0; offset < 16; offset += 1) take(offset);
  assert.deepEqual(calls, ['pause low/0'], 'at 4 x 4 before any job ended');
  // 100 jobs end within 250 ms (others were taken in meanwhile): 400 a second, 40 within one refill of 100 ms.
  inHand = 40;
  for (let ended = 0; ended < 99; ended += 1) {
    now += 2.5;
    gate.ended();
  }
  assert.deepEqual(calls, ['pause low/0'], 'the pace is not measured yet: 40 is above half of 16');
  now += 2.5;
  gate.ended();
  assert.deepEqual(calls, ['pause low/0', 'resume low/0'], 'resumed with 40 in hand, a refill of work left');
  for (let offset = 16; inHand < 79; offset += 1) take(offset);
  assert.deepEqual(calls, ['pause low/0', 'resume low/0'], 'still flowing below 80');
  take(100);
  assert.deepEqual(calls.at(-1), 'pause low/0');
});
