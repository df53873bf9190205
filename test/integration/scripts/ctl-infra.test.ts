import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { stackLogFiles } from '../../../scripts/local-stack/stack.ts';
import { declaredTopics } from '../../../topology/topics.ts';
import { testNames } from '../../support/resources.ts';
import { ctl, json } from './ctl-support.ts';

test('ctl topology describe: every declared topic next to its live state', async () => {
  const result = await ctl(['topology', 'describe', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const states = json<{ declared: { name: string }; live: { partitions: number } | undefined }[]>(result);
  assert.deepEqual(
    states.map((state) => state.declared.name),
    declaredTopics(testNames(), { replicationFactor: 1 }).map((topic) => topic.name),
  );
  assert.ok(
    states.every((state) => state.live !== undefined && state.live !== null),
    'the test setup applied them',
  );

  const human = await ctl(['topology', 'describe']);
  assert.equal(human.code, 0, human.stderr);
  const control = testNames().controlTopic.replaceAll('.', '\\.');
  assert.match(
    human.stdout,
    new RegExp(`^${control}\\n {2}declared: 1 partitions, .*\\n {2}live: {5}1 partitions`, 'm'),
  );
});

test('ctl topology apply: a second apply changes nothing', async () => {
  const first = await ctl(['topology', 'apply']);
  assert.equal(first.code, 0, first.stderr);
  const second = await ctl(['topology', 'apply', '--json']);
  assert.equal(second.code, 0, second.stderr);
  const { topics, schemas } = json<{ topics: { changes: unknown[] }; schemas: { changes: unknown[] } }>(second);
  assert.deepEqual([topics.changes, schemas.changes], [[], []]);
});

test('ctl stack status and up: the running stack is reported and reused; down refuses unknown components', async () => {
  const status = await ctl(['stack', 'status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const components = json<{ name: string; state: string }[]>(status);
  assert.deepEqual(components.map((component) => component.name).sort(), [
    'jaeger',
    'kafka',
    'redis',
    'schema-registry',
  ]);
  assert.ok(components.every((component) => component.state === 'running' || component.state === 'external'));

  const up = await ctl(['stack', 'up']);
  assert.equal(up.code, 0, up.stderr);
  for (const component of components.filter((entry) => entry.state === 'running')) {
    assert.match(up.stdout, new RegExp(`^${component.name}: already running`, 'm'));
  }

  // The local broker's full log rolls over in server.log (its console, kafka.log, gets warnings only).
  if (components.some((component) => component.name === 'kafka' && component.state === 'running')) {
    const [consoleLog, rollingLog] = stackLogFiles(['kafka']);
    assert.match(consoleLog ?? '', /kafka\/kafka\.log$/);
    assert.match(rollingLog ?? '', /kafka\/server\.log$/);
    assert.match(readFileSync(rollingLog!, 'utf8'), /^\[[^\]]+\] INFO /m);
  }

  // `stack down` with real names would stop the stack every test shares: only its argument check is run.
  const down = await ctl(['stack', 'down', 'zookeeper']);
  assert.equal(down.code, 2);
  assert.match(down.stderr, /unknown component\(s\): zookeeper/);
});
