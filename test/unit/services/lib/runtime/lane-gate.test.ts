import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LaneGate } from '../../../../../services/lib/runtime/lane-gate.ts';

test('all lanes below the concurrency, the highest up to twice it, none beyond', () => {
  assert.equal(LaneGate.openLanes(0, 8), 'all');
  assert.equal(LaneGate.openLanes(7, 8), 'all');
  assert.equal(LaneGate.openLanes(8, 8), 'highest');
  assert.equal(LaneGate.openLanes(15, 8), 'highest');
  assert.equal(LaneGate.openLanes(16, 8), 'none');
});

test('pauses and resumes the consumer only when the open lanes change', () => {
  const calls: string[] = [];
  const gate = new LaneGate(['high', 'normal', 'low'], 2, {
    pause: (topics) => void calls.push(`pause ${topics.join(',')}`),
    resume: (topics) => void calls.push(`resume ${topics.join(',')}`),
  });
  gate.update(1);
  gate.update(2);
  gate.update(3);
  gate.update(4);
  gate.update(1);
  assert.deepEqual(calls, ['pause normal,low', 'resume high', 'pause high,normal,low', 'resume high,normal,low']);
});
