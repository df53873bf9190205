/**
 * The CLI as a child process, for what needs no infrastructure: help, usage errors, and paths
 * given on the command line (against a fake gateway).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';

function ctl(...args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/ctl.ts', ...args], {
    encoding: 'utf8',
    // Unreachable endpoints: a command that wrongly connected before checking its arguments would fail with 1.
    env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1', REDIS_URL: 'redis://127.0.0.1:1' },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--help works on the program, on groups and on commands, with exit code 0', () => {
  for (const args of [
    ['--help'],
    ['jobs', '--help'],
    ['jobs', 'watch', '--help'],
    ['purge', '--help'],
    ['dlq', 'list', '--help'],
  ]) {
    const { code, stdout } = ctl(...args);
    assert.equal(code, 0, args.join(' '));
    assert.match(stdout, /^Usage: sedano/m, args.join(' '));
  }
});

test('usage errors exit with 2: unknown command, unknown option, missing argument, bad stage or lane', () => {
  for (const args of [
    ['frobnicate'],
    ['lag', '--bogus'],
    ['purge'],
    ['lag', 'cooking'],
    ['purge', 'noop', '--lane', 'fast'],
    ['ping', '--timeout', 'soon'],
    ['jobs', 'get', 'not-a-uuid', '--token', 'x'],
  ]) {
    const { code, stderr } = ctl(...args);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.notEqual(stderr, '', args.join(' '));
  }
});

/** The CLI as `npm run ctl` runs it: from the package root, with INIT_CWD the user's directory. */
async function ctlUnderNpm(initCwd: string, args: string[]) {
  const child = spawn(process.execPath, [ctlPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, INIT_CWD: initCwd },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** A gateway answering a submission (recording its body) and an export download; closed by the test. */
async function fakeGateway(t: TestContext, pdf: Buffer) {
  const submissions: unknown[] = [];
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/v1/jobs') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        submissions.push(JSON.parse(body));
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ jobId: JOB_ID, created: true, notBefore: null }));
      });
    } else if (request.method === 'GET' && request.url === `/v1/exports/${JOB_ID}`) {
      response.setHeader('etag', `"${createHash('sha256').update(pdf).digest('hex')}"`);
      response.end(pdf);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, submissions };
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const ctlPath = join(repoRoot, 'scripts/ctl.ts');
const JOB_ID = 'a0000000-0000-4000-8000-000000000001';

test('npm run ctl: relative paths resolve against where the user ran it (INIT_CWD), not the package root', async (t) => {
  const here = mkdtempSync(join(tmpdir(), 'ctl-init-cwd-'));
  t.after(() => rmSync(here, { recursive: true, force: true }));
  // Where the bug put the download.
  t.after(() => rmSync(join(repoRoot, `${JOB_ID}.pdf`), { force: true }));
  writeFileSync(join(here, 'payload.json'), '{"sleepMs": 7}');
  const pdf = Buffer.from('%PDF-1.7 not really');
  const gateway = await fakeGateway(t, pdf);
  const target = ['--url', gateway.url, '--token', 't'];

  const submitted = await ctlUnderNpm(here, ['jobs', 'submit', 'noop', '--payload-file', 'payload.json', ...target]);
  assert.equal(submitted.code, 0, submitted.stderr);
  assert.deepEqual(gateway.submissions, [{ stage: 'noop', payload: { sleepMs: 7 } }]);

  const downloaded = await ctlUnderNpm(here, ['exports', 'get', JOB_ID, ...target]);
  assert.equal(downloaded.code, 0, downloaded.stderr);
  assert.deepEqual(readFileSync(join(here, `${JOB_ID}.pdf`)), pdf, 'the default file, in the user directory');
  assert.equal(existsSync(join(repoRoot, `${JOB_ID}.pdf`)), false, 'nothing in the package root');

  const named = await ctlUnderNpm(here, ['exports', 'get', JOB_ID, '-o', 'out/report.pdf', ...target]);
  assert.equal(named.code, 0, named.stderr);
  assert.deepEqual(readFileSync(join(here, 'out/report.pdf')), pdf, '--output, in the user directory');
});

const unreachable = ['--url', 'http://127.0.0.1:1', '--token', 'x'];

test('an unreadable --payload-file is a usage error (exit 2) naming the file', () => {
  const missing = join(tmpdir(), 'ctl-no-such-dir', 'payload.json');
  const { code, stderr } = ctl('jobs', 'submit', 'noop', '--payload-file', missing, ...unreachable);
  assert.equal(code, 2, stderr);
  assert.equal(stderr, `sedano: --payload-file: cannot read "${missing}" (ENOENT)\n`);
});

test('under --json a failure is a JSON document on stderr, with the exit code', () => {
  const { code, stdout, stderr } = ctl('--json', 'jobs', 'get', 'not-a-uuid', '--token', 'x');
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.deepEqual(JSON.parse(stderr), { error: { message: 'not a job id (a UUID): "not-a-uuid"', exitCode: 2 } });
  assert.match(ctl('jobs', 'get', 'not-a-uuid', '--token', 'x').stderr, /^sedano: not a job id/);
});
