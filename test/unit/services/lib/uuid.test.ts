import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobIdForKey } from '../../../../services/lib/job-ids.ts';
import { formatUuid, randomUuid, stampUuid } from '../../../../services/lib/uuid.ts';

const RANDOM_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('formatUuid writes 16 bytes as 8-4-4-4-12 lower-case hex digits, from an offset', () => {
  const bytes = Buffer.from('ff00112233445566778899aabbccddeeff0f', 'hex');
  assert.equal(formatUuid(bytes, 1), '00112233-4455-6677-8899-aabbccddeeff');
  assert.equal(formatUuid(bytes.subarray(2)), '11223344-5566-7788-99aa-bbccddeeff0f');
  // The text is a string of its own: the next call does not change it.
  const first = formatUuid(new Uint8Array(16));
  formatUuid(new Uint8Array(16).fill(0xff));
  assert.equal(first, '00000000-0000-0000-0000-000000000000');
});

test('formatUuid refuses fewer than 16 bytes from the offset', () => {
  assert.throws(() => formatUuid(new Uint8Array(15)), RangeError);
  assert.throws(() => formatUuid(new Uint8Array(16), 1), RangeError);
  assert.throws(() => formatUuid(new Uint8Array(16), -1), RangeError);
});

test('stampUuid sets the version and the RFC 9562 variant, and keeps the other bits', () => {
  const bytes = new Uint8Array(16).fill(0xff);
  stampUuid(bytes, 4);
  assert.equal(formatUuid(bytes), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
  bytes.fill(0);
  stampUuid(bytes, 5);
  assert.equal(formatUuid(bytes), '00000000-0000-5000-8000-000000000000');
});

test('randomUuid gives distinct version 4 UUIDs, across refills of its pool', () => {
  // Several pools' worth (128 a refill).
  const ids = Array.from({ length: 1_000 }, () => randomUuid());
  for (const id of ids) assert.match(id, RANDOM_UUID);
  assert.equal(new Set(ids).size, ids.length);
  // Every hex digit of the random positions shows up: the bytes are not left at zero.
  assert.equal(new Set(ids.join('').replaceAll('-', '')).size, 16);
});

test('a job id named by an idempotency key is the one earlier versions gave it', () => {
  // Computed by the code before uuid.ts: an upgrade must not turn a repeated submission into a new job.
  assert.equal(jobIdForKey('upload-42'), '7e22603d-f036-5aa6-ae01-e3c2546d54b5');
  assert.equal(jobIdForKey('batch:x:follow-up'), '3c38525c-0302-51a1-b672-e878f8172c16');
  assert.equal(jobIdForKey('é日本'), '2411935f-a503-58b6-a1a5-cf4cbf681f50');
});
