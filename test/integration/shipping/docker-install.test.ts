/**
 * The Docker image cannot be built no more: the Dockerfile's install step (`npm ci …`, read
 * from the Dockerfile itself) runs from a clean directory holding only package.json and
 * package-lock.json, as `docker build` runs it, and the lockfile carries every platform's
 * optional binaries that linux/amd64 and linux/arm64 hosts need (npm ci refused the lockfile
 * when those of `@lancedb/lancedb` and `@msgpackr-extract/*` were missing). Needs the npm
 * registry, not a Docker engine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The Dockerfile's `RUN npm ci …` command, as written there. */
function dockerInstallCommand(): string {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const run = /^RUN (npm ci\b[^\n]*)$/m.exec(dockerfile)?.[1];
  assert.ok(run, 'the Dockerfile installs with npm ci');
  return run;
}

/** The Dockerfile's ENV lines that the install step sees (name=value pairs). */
function dockerEnvironment(): Record<string, string> {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const block = /^ENV ((?:[^\n]*\\\n)*[^\n]*)$/m.exec(dockerfile)?.[1] ?? '';
  return Object.fromEntries(
    [...block.replace(/\\\n/g, ' ').matchAll(/(\w+)=(\S+)/g)].map((match) => [match[1]!, match[2]!]),
  );
}

/** A clean directory with what the Dockerfile copies before its install step (package.json, the lockfile, patches/). */
function cleanDirectory(t: TestContext): string {
  const directory = mkdtempSync(join(tmpdir(), 'sedano-docker-install-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(root, file), join(directory, file));
  cpSync(join(root, 'patches'), join(directory, 'patches'), { recursive: true });
  return directory;
}

function run(command: string, cwd: string) {
  const result = spawnSync('sh', ['-c', command], {
    cwd,
    encoding: 'utf8',
    timeout: 280_000,
    env: {
      ...process.env,
      ...dockerEnvironment(),
      // The npm of the Node that runs this test (Node 24, as the image's base).
      PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`,
    },
  });
  return {
    status: result.status,
    output: `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-15).join('\n'),
  };
}

test("the Dockerfile's install step runs from a clean directory with the lockfile", { timeout: 300_000 }, (t) => {
  const directory = cleanDirectory(t);
  const { status, output } = run(dockerInstallCommand(), directory);
  assert.equal(status, 0, output);
  assert.ok(existsSync(join(directory, 'node_modules', '@lancedb', 'lancedb')), 'the vector store is installed');
  assert.ok(existsSync(join(directory, 'node_modules', 'fastify')), 'the gateway is installed');
  const requestQueue = join(directory, 'node_modules', 'kafkajs', 'src', 'network', 'requestQueue', 'index.js');
  assert.match(readFileSync(requestQueue, 'utf8'), /tulios\/kafkajs#1704/, 'patches/ applied to kafkajs');
});

test('the lockfile has what npm ci needs on linux/amd64 and linux/arm64', { timeout: 300_000 }, (t) => {
  const directory = cleanDirectory(t);
  for (const cpu of ['x64', 'arm64']) {
    // A dry run resolves the whole tree for that platform against the lockfile, downloading
    // nothing; with nothing installed, the postinstall (patch-package) has nothing to run.
    const { status, output } = run(
      `${dockerInstallCommand()} --dry-run --ignore-scripts --os=linux --cpu=${cpu} --libc=glibc`,
      directory,
    );
    assert.equal(status, 0, `linux/${cpu}: ${output}`);
  }
});
