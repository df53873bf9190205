import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';
import { percentile } from '../../../../services/lib/percentile.ts';
import { weeklyReportSections, weeklyStats } from '../../../../services/maintenance/tasks/weekly-stats.ts';
import { noopStatusEvent } from '../../schemas/samples.ts';

const start = Date.parse('2026-11-23T08:00:00Z');
const window = { startMs: start, endMs: start + 7 * 86_400_000 };

function event(fields: Partial<JobStatusEvent>): JobStatusEvent {
  return noopStatusEvent({
    occurredAt: start + 1_000,
    submittedAt: start,
    startedAt: start,
    finishedAt: start + 1_000,
    ...fields,
  });
}

test('nearest-rank percentiles', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual([percentile(values, 0.5), percentile(values, 0.9), percentile(values, 0.99)], [50, 90, 99]);
  assert.equal(percentile([], 0.5), 0);
  assert.equal(percentile([7], 0.99), 7);
});

test('the week’s figures: per stage and state, run times, failures, dead letters, per day', () => {
  const failure = (code: string) =>
    event({
      state: 'FAILURE',
      error: { code, type: 'E', message: 'm', retriable: false },
      finishedAt: start + 90_000_000,
      occurredAt: start + 90_000_000,
    });
  const events = [
    event({ finishedAt: start + 2_000 }),
    event({ finishedAt: start + 4_000 }),
    event({ stage: 'INDEXING', jobType: 'INDEX_DOCUMENTS', state: 'PROGRESS', finishedAt: null }),
    failure('SEDANO_ERR_JOB_FAILED'),
    failure('SEDANO_ERR_JOB_FAILED'),
    failure('SEDANO_ERR_JOB_TIME_LIMIT'),
    event({ occurredAt: start - 1, finishedAt: start - 1 }), // the week before: not counted
  ];
  const deadLetters = [
    { errorCode: 'SEDANO_ERR_CODEC_CORRUPT', failedAt: start + 5 },
    { errorCode: 'SEDANO_ERR_CODEC_CORRUPT', failedAt: window.endMs }, // after: not counted
  ];
  const stats = weeklyStats(events, deadLetters, window);
  assert.equal(stats.jobs, 6);
  assert.deepEqual(stats.byStageState, { NOOP: { SUCCESS: 2, FAILURE: 3 }, INDEXING: { PROGRESS: 1 } });
  assert.deepEqual(stats.runTimes['NOOP'], {
    count: 5,
    p50Ms: 90_000_000,
    p90Ms: 90_000_000,
    p99Ms: 90_000_000,
    maxMs: 90_000_000,
  });
  assert.deepEqual(stats.topFailures, [
    { code: 'SEDANO_ERR_JOB_FAILED', count: 2 },
    { code: 'SEDANO_ERR_JOB_TIME_LIMIT', count: 1 },
  ]);
  assert.deepEqual(stats.deadLetters, [{ code: 'SEDANO_ERR_CODEC_CORRUPT', count: 1 }]);
  // The window spans 8 UTC days (08:00 to 08:00); two ended on the first, three on the second.
  assert.equal(stats.perDay.length, 8);
  assert.deepEqual(stats.perDay.slice(0, 2), [
    { day: '2026-11-23', ended: 2 },
    { day: '2026-11-24', ended: 3 },
  ]);
  const sections = weeklyReportSections(stats);
  assert.deepEqual(
    sections.map((section) => section.heading),
    ['Jobs per stage and state', 'Run times', 'Top failure codes', 'Dead letters', 'Throughput per day'],
  );
  for (const { table } of sections)
    for (const row of table?.rows ?? []) assert.equal(row.length, table?.columns.length);
});

test('a quiet week: the empty tables give way to a sentence', () => {
  const sections = weeklyReportSections(weeklyStats([], [], window));
  const byHeading = new Map(sections.map((section) => [section.heading, section]));
  for (const [heading, sentence] of [
    ['Run times', 'No job ended.'],
    ['Top failure codes', 'No job failed.'],
    ['Dead letters', 'No dead letter.'],
  ] as const) {
    assert.equal(byHeading.get(heading)?.table, null, heading);
    assert.ok(byHeading.get(heading)?.paragraphs.includes(sentence), heading);
  }
  assert.equal(byHeading.get('Throughput per day')?.table?.rows.length, 8);
});
