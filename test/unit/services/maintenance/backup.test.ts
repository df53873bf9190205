import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifestProblems } from '../../../../services/maintenance/tasks/backup-manifest.ts';
import { backupsToDelete } from '../../../../services/maintenance/tasks/backup-retention.ts';
import { backupId } from '../../../../services/maintenance/tasks/backup.ts';
import { keepNewest } from '../../../../services/maintenance/tasks/status-export.ts';
import type { JobStatusEvent } from '../../../../schemas/job-status-event.ts';

const at = (text: string) => Date.parse(text);

test("a backup's id comes from its slot", () => {
  assert.equal(backupId(at('2026-11-30T02:00:00Z')), 'backup-20261130T020000Z');
});

test('retention keeps the newest backup of each of the last N days and M ISO weeks', () => {
  // Daily backups at 02:00 from Monday 2026-10-26 to Sunday 2026-11-29, plus a second one on the last day.
  const backups = [];
  for (let day = 0; day < 35; day += 1) {
    const createdAtMs = at('2026-10-26T02:00:00Z') + day * 86_400_000;
    backups.push({ id: new Date(createdAtMs).toISOString().slice(0, 10), createdAtMs });
  }
  backups.push({ id: 'second-on-last-day', createdAtMs: at('2026-11-29T05:00:00Z') });
  const deleted = new Set(backupsToDelete(backups, 3, 4).map((backup) => backup.id));
  const kept = backups.map((backup) => backup.id).filter((id) => !deleted.has(id));
  // Days: the 29th's newest, 28th, 27th. Weeks (newest of each, Sunday): Nov 29 (already), 22, 15, 8.
  assert.deepEqual(kept.sort(), [
    '2026-11-08',
    '2026-11-15',
    '2026-11-22',
    '2026-11-27',
    '2026-11-28',
    'second-on-last-day',
  ]);
  assert.deepEqual(backupsToDelete([], 7, 4), []);
});

test('the manifest check names missing, changed and unexpected files', () => {
  const expected = [
    { path: 'a', bytes: 1, sha256: 'x' },
    { path: 'b', bytes: 1, sha256: 'y' },
    { path: 'c', bytes: 1, sha256: 'z' },
  ];
  const found = [
    { path: 'a', bytes: 1, sha256: 'x' },
    { path: 'b', bytes: 2, sha256: 'q' },
    { path: 'd', bytes: 1, sha256: 'w' },
  ];
  assert.deepEqual(manifestProblems(expected, found), ['b: changed', 'c: missing', 'd: not in the manifest']);
  assert.deepEqual(manifestProblems(expected, expected), []);
});

test("the status export keeps the event each job's view ends at", () => {
  const latest = new Map<string, JobStatusEvent>();
  const event = (jobId: string, state: JobStatusEvent['state'], attempt: number, sequence: number) =>
    ({ jobId, state, attempt, sequence }) as JobStatusEvent;
  for (const e of [
    event('a', 'PENDING', 0, 0),
    event('a', 'PROGRESS', 1, 5),
    event('b', 'STARTED', 1, 3),
    event('a', 'STARTED', 1, 2),
    // c's second attempt ran on a worker whose clock is behind the first's: its SUCCESS is the end.
    event('c', 'RETRY', 1, 9),
    event('c', 'SUCCESS', 2, 7),
    event('c', 'PROGRESS', 2, 6),
  ]) {
    keepNewest(latest, e);
  }
  assert.deepEqual(
    [...latest.values()].map((e) => [e.jobId, e.state, e.sequence]),
    [
      ['a', 'PROGRESS', 5],
      ['b', 'STARTED', 3],
      ['c', 'SUCCESS', 7],
    ],
  );
});
