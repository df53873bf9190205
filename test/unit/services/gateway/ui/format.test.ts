// The dashboard's pure helpers (plain browser JavaScript, imported here as Node runs it).
import assert from 'node:assert/strict';
import { test } from 'node:test';

interface Job {
  startedAt: number | null;
  finishedAt: number | null;
}
interface Format {
  formatDuration(ms: number | null): string;
  formatTime(ms: number | null): string;
  reopensStream(job: { state: string } | undefined, failure: { status: number } | undefined): boolean;
  updatedSince(jobs: { updatedAt: number }[], since: number | null): { jobs: unknown[]; exhausted: boolean };
  runTimeMs(job: Job & { state: string; occurredAt: number }, now: number): number | null;
}
interface Api {
  parseFrame(text: string): { event: string; id: string; data: unknown } | undefined;
}

const ui = new URL('../../../../../services/gateway/ui/js/', import.meta.url);
const format = (await import(new URL('format.js', ui).href)) as Format;
const api = (await import(new URL('api.js', ui).href)) as Api;

test('durations read as a person says them', () => {
  assert.equal(format.formatDuration(null), '—');
  assert.equal(format.formatDuration(850), '850 ms');
  assert.equal(format.formatDuration(12_340), '12.3 s');
  assert.equal(format.formatDuration(245_000), '4 min 05 s');
  assert.equal(format.formatDuration(7_620_000), '2 h 07 min');
});

test("a job's run time: until it finished, until it failed while it waits for its retry, else until now", () => {
  const job = { state: 'SUCCESS', startedAt: 1_000, finishedAt: 1_500, occurredAt: 1_500 };
  assert.equal(format.runTimeMs(job, 9_000), 500);
  assert.equal(format.runTimeMs({ ...job, state: 'RETRY', finishedAt: null, occurredAt: 1_200 }, 9_000), 200);
  assert.equal(format.runTimeMs({ ...job, state: 'STARTED', finishedAt: null }, 9_000), 8_000);
  assert.equal(format.runTimeMs({ ...job, state: 'REVOKED', startedAt: null }, 9_000), null, 'never started');
});

// Was: a local time without its zone, shown next to UTC times and schedules' own zones.
test("times say the browser's zone, as an offset from UTC", (t) => {
  const zone = process.env['TZ'];
  t.after(() => {
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
  });
  const at = Date.UTC(2025, 0, 15, 12, 4, 5, 7);
  process.env['TZ'] = 'UTC';
  assert.equal(format.formatTime(at), '2025-01-15 12:04:05.007 UTC');
  process.env['TZ'] = 'Europe/Rome';
  assert.equal(format.formatTime(at), '2025-01-15 13:04:05.007 UTC+01:00');
  assert.equal(format.formatTime(Date.UTC(2025, 6, 15, 12, 0, 0)), '2025-07-15 14:00:00.000 UTC+02:00', 'summer time');
  process.env['TZ'] = 'America/St_Johns';
  assert.equal(format.formatTime(at), '2025-01-15 08:34:05.007 UTC-03:30');
  process.env['TZ'] = 'Asia/Kolkata';
  assert.equal(format.formatTime(at), '2025-01-15 17:34:05.007 UTC+05:30');
  assert.equal(format.formatTime(null), '—');
});

// Was: a stream that ended cleanly (the gateway shutting down) left the job page "not live" for good.
test('the job page opens its event stream again unless the job ended or cannot be read', () => {
  const running = { state: 'PROGRESS' };
  assert.equal(format.reopensStream(running, undefined), true, 'a clean end before the job ended');
  assert.equal(format.reopensStream(undefined, undefined), true);
  assert.equal(format.reopensStream(running, { status: 0 }), true, 'the network');
  assert.equal(format.reopensStream(running, { status: 503 }), true, 'the gateway, unavailable');
  assert.equal(format.reopensStream(running, { status: 404 }), false, 'the job left the view');
  assert.equal(format.reopensStream(running, { status: 401 }), false, 'the token');
  for (const state of ['SUCCESS', 'FAILURE', 'REVOKED']) {
    assert.equal(format.reopensStream({ state }, undefined), false, state);
    assert.equal(format.reopensStream({ state }, { status: 0 }), false, state);
  }
});

test('Server-Sent Events frames: fields, multi-line data, comments', () => {
  assert.deepEqual(api.parseFrame('event: status\nid: 4\ndata: {"state":"SUCCESS"}'), {
    event: 'status',
    id: '4',
    data: { state: 'SUCCESS' },
  });
  assert.deepEqual(api.parseFrame('data: [1,\ndata: 2]'), { event: 'message', id: '', data: [1, 2] });
  assert.equal(api.parseFrame(': heartbeat'), undefined);
});

test('the jobs of a page changed since a time, and whether older pages can be skipped', () => {
  const jobs = [{ updatedAt: 300 }, { updatedAt: 200 }, { updatedAt: 100 }];
  assert.deepEqual(format.updatedSince(jobs, null), { jobs, exhausted: false });
  assert.deepEqual(format.updatedSince(jobs, 50), { jobs, exhausted: false });
  assert.deepEqual(format.updatedSince(jobs, 200), { jobs: jobs.slice(0, 2), exhausted: true });
});
