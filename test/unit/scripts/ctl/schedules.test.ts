import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSchedules } from '../../../../scripts/ctl/schedules.ts';

test('schedules print as a table: next fire time, or paused; the last run and its state', () => {
  const lines = formatSchedules([
    {
      name: 'backup',
      task: 'BACKUP',
      cron: '0 2 * * *',
      timeZone: 'UTC',
      missedSlots: 'latest',
      paused: false,
      nextFireTimes: ['2026-12-01T02:00:00.000Z'],
      lastRun: { jobId: 'j', slotTime: 's', runAt: '2026-11-30T02:00:01.000Z', state: 'SUCCESS', errorCode: null },
    },
    {
      name: 'cache-cleanup',
      task: 'CACHE_CLEANUP',
      cron: '0 */6 * * *',
      timeZone: 'UTC',
      missedSlots: 'latest',
      paused: false,
      nextFireTimes: ['2026-12-01T06:00:00.000Z'],
      lastRun: {
        jobId: 'k',
        slotTime: 's',
        runAt: '2026-12-01T00:00:01.000Z',
        state: 'REVOKED',
        errorCode: 'SEDANO_ERR_JOB_EXPIRED',
      },
    },
    {
      name: 'vector-index-optimisation',
      task: 'OPTIMIZE_INDEX',
      cron: '0 3 * * *',
      timeZone: 'UTC',
      missedSlots: 'latest',
      paused: false,
      nextFireTimes: ['2026-12-01T03:00:00.000Z'],
      lastRun: { jobId: 'l', slotTime: 's', runAt: '2026-11-29T03:00:01.000Z', state: null, errorCode: null },
    },
    {
      name: 'weekly-report',
      task: 'WEEKLY_REPORT',
      cron: '0 8 * * 1',
      timeZone: 'Europe/Rome',
      missedSlots: 'latest',
      paused: true,
      nextFireTimes: [],
      lastRun: null,
    },
  ]);
  assert.equal(lines.length, 5);
  assert.match(
    lines[1]!,
    /^backup\s+BACKUP\s+0 2 \* \* \*\s+UTC\s+latest\s+2026-12-01T02:00:00.000Z\s+2026-11-30T02:00:01.000Z\s+SUCCESS$/,
  );
  assert.match(lines[2]!, /^cache-cleanup .*REVOKED \(expired\)$/, 'an expired run apart from a revoked one');
  assert.match(lines[3]!, /^vector-index-optimisation .*result gone$/, 'not "expired": the job left the view');
  assert.match(lines[4]!, /^weekly-report\s+WEEKLY_REPORT .*paused\s+-\s+-$/);
});
