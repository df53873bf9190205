/** The CLI as a child process, for what needs no infrastructure: help and usage errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

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
