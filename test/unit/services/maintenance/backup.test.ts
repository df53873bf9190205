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

test("the status export keeps each job's newest event", () => {
  const latest = new Map<string, JobStatusEvent>();
  const event = (jobId: string, sequence: number) => ({ jobId, sequence }) as JobStatusEvent;
  for (const e of [event('a', 0), event('a', 5), event('b', 3), event('a', 2)]) keepNewest(latest, e);
  assert.deepEqual(
    [...latest.values()].map((e) => [e.jobId, e.sequence]),
    [
      ['a', 5],
      ['b', 3],
    ],
  );
});
