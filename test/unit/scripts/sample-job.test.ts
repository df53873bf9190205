import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentLine } from '../../../scripts/sample-job.ts';
import type { JobView } from '../../../services/lib/status-view.ts';

const job = (progress: JobView['progress']) => ({ progress }) as JobView;

test("a sample job's progress line: padded percent, the stage's details, then the message", () => {
  const progress = { current: 139, total: 200, percent: 69.5, message: 'embedding it-letter.txt', details: null };
  assert.equal(percentLine(job(progress), ' 13/20 documents'), '[ 69.5%] 13/20 documents  embedding it-letter.txt');
  assert.equal(percentLine(job({ ...progress, percent: 100, message: null }), ''), '[100.0%]  ');
  assert.equal(percentLine(job(null), ' anything'), undefined);
});
