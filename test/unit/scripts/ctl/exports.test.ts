import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downloadPath, etagChecksum } from '../../../../scripts/ctl/exports.ts';

const sha = 'ab'.repeat(32);

test("the ETag's checksum is read from a strong or weak tag, nothing else", () => {
  assert.equal(etagChecksum(`"${sha}"`), sha);
  assert.equal(etagChecksum(`W/"${sha}"`), sha);
  assert.equal(etagChecksum('"abc"'), undefined);
  assert.equal(etagChecksum(null), undefined);
});

test('the file goes to --output, else <job-id>.pdf in the working directory', () => {
  assert.equal(downloadPath('j', 'out/report.pdf', '/home/me'), '/home/me/out/report.pdf');
  assert.equal(downloadPath('j', '/tmp/r.pdf', '/home/me'), '/tmp/r.pdf');
  assert.equal(downloadPath('j', undefined, '/home/me'), '/home/me/j.pdf');
});
