import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCodec } from '../../../services/lib/codec.ts';
import { createDeadLetterWriter } from '../../../services/lib/dead-letter.ts';
import { createJobClient } from '../../../services/lib/job-client.ts';
import { createPurgeMarks } from '../../../services/lib/purge-marks.ts';
import { redisKeys } from '../../../topology/redis-keys.ts';
import { declaredTopics } from '../../../topology/topics.ts';
import type { StageLag } from '../../../scripts/ctl/lag.ts';
import type { DeadLetterSummary } from '../../../scripts/ctl/dlq.ts';
import {
  collectMessages,
  kafkaClient,
  onCleanup,
  redisClient,
  schemaRegistry,
  testNames,
} from '../../support/resources.ts';
import { ctl, json } from './ctl-support.ts';

/** The test run's namespace: the one `ctl` reads (SEDANO_NAMESPACE, inherited). */
const names = testNames();
const LOW_LANE = names.jobTopic('noop', 'low');

/** Submits noop jobs to the real low lane (unique ids) and returns the messages as written. */
async function submitLowJobs(t: test.TestContext, count: number) {
  const producer = await kafkaClient().producer();
  onCleanup(t, () => producer.close());
  const client = createJobClient({
    producer,
    codec: createCodec({ registry: schemaRegistry() }),
    names,
    submitter: 'ctl-test',
  });
  const lane = await collectMessages(t, [LOW_LANE]);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const job = await client.submit(
      'noop',
      { sleepMs: 0, cpuSpinMs: 0, failureRate: 0, payload: 'ctl-test' },
      { priority: 'LOW' },
    );
    ids.push(job.jobId);
  }
  return lane
    .until(
      (messages) => ids.every((id) => messages.some((message) => message.key?.toString() === id)),
      'the submitted jobs in the low lane',
    )
    .then((messages) => messages.filter((message) => ids.includes(message.key?.toString() ?? '')));
}

test('ctl lag: the jobs waiting in each lane of a stage', async (t) => {
  await submitLowJobs(t, 3);
  const result = await ctl(['lag', 'noop', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const [noop] = json<StageLag[]>(result);
  assert.equal(noop?.stage, 'noop');
  assert.equal(noop?.groupId, names.stageGroup('noop'));
  // Nobody consumes the real noop lanes in the tests (workers there run on lanes of their own).
  assert.ok((noop?.lanes.low ?? 0) >= 3, `low lane lag ${noop?.lanes.low}`);
  assert.equal(noop?.total, (noop?.lanes.high ?? 0) + (noop?.lanes.normal ?? 0) + (noop?.lanes.low ?? 0));

  const human = await ctl(['lag']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^STAGE\s+HIGH\s+NORMAL\s+LOW\s+TOTAL\s+WORKERS\s+GROUP$/m);
  for (const stage of ['indexing', 'analysis', 'training', 'export', 'noop']) {
    assert.match(human.stdout, new RegExp(`^${stage}\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\w+$`, 'm'));
  }
});

test('ctl purge: refuses without confirmation off a terminal, then marks every queued job and counts them', async (t) => {
  const { redis } = redisClient(t);
  // The marks `ctl purge` writes: the test run's namespace's.
  const keys = redisKeys(names.namespace);
  // The marks are removed when the test ends, so that the lane is as it was for other tests.
  const partitions =
    declaredTopics(names, { replicationFactor: 1 }).find((topic) => topic.name === LOW_LANE)?.partitions ?? 0;
  onCleanup(t, () =>
    redis.del(...Array.from({ length: partitions }, (_, partition) => keys.purgeMark(LOW_LANE, partition))),
  );
  const marks = createPurgeMarks({ redis, keys, cacheMs: 0 });
  const mine = await submitLowJobs(t, 2);

  const refused = await ctl(['purge', 'noop', '--lane', 'low']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /pass --yes/);
  for (const message of mine) {
    const mark = await marks.purgeMark(LOW_LANE, message.partition);
    assert.ok(mark === undefined || mark <= Number(message.offset), 'nothing purged without confirmation');
  }

  const result = await ctl(['purge', 'noop', '--lane', 'low', '--yes', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = json<{ stage: string; purged: number; lanes: { lane: string; purged: number }[] }>(result);
  assert.equal(report.stage, 'noop');
  assert.ok(report.purged >= 2, `purged ${report.purged}`);
  assert.deepEqual(
    report.lanes.map((lane) => lane.lane),
    ['low'],
  );
  for (const message of mine) {
    const mark = await marks.purgeMark(LOW_LANE, message.partition);
    assert.ok(
      mark !== undefined && mark > Number(message.offset),
      `partition ${message.partition} marked past ${message.offset}`,
    );
  }
  assert.equal(
    await marks.purgeMark(names.jobTopic('noop', 'high'), mine[0]?.partition ?? 0),
    undefined,
    'other lanes untouched',
  );

  // The purged jobs are not counted again.
  const again = await ctl(['purge', 'noop', '--lane', 'low', '--yes', '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(json<{ purged: number }>(again).purged < report.purged, 'only jobs queued since are counted');
});

test('ctl dlq list: the newest dead letters, read from the dead-letter topic', async (t) => {
  const producer = await kafkaClient().producer();
  onCleanup(t, () => producer.close());
  const writer = createDeadLetterWriter({
    producer,
    codec: createCodec({ registry: schemaRegistry() }),
    names,
    consumerGroup: 'ctl-test',
  });
  const jobId = crypto.randomUUID();
  await writer.write({
    message: {
      topic: LOW_LANE,
      partition: 0,
      offset: '0',
      key: Buffer.from(jobId),
      value: Buffer.from('not avro'),
      headers: {},
      timestampMs: Date.now(),
    },
    errorCode: 'SEDANO_ERR_CODEC_NOT_FRAMED',
    reason: 'ctl test dead letter',
    attempts: 0,
    jobId,
  });

  const result = await ctl(['dlq', 'list', '--limit', '1000', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const { deadLetters, total } = json<{ deadLetters: DeadLetterSummary[]; total: number }>(result);
  const mine = deadLetters.find((entry) => entry.jobId === jobId);
  assert.ok(mine, 'the new dead letter is listed');
  assert.match(mine.id, /^\d+-\d+$/);
  assert.equal(mine.errorCode, 'SEDANO_ERR_CODEC_NOT_FRAMED');
  assert.equal(mine.reason, 'ctl test dead letter');
  assert.ok(total >= deadLetters.length);
  const times = deadLetters.map((entry) => entry.failedAt ?? 0);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
    'newest first',
  );

  const human = await ctl(['dlq', 'list', '--limit', '1']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^ID\s+FAILED AT\s+JOB\s+CODE\s+REASON$/m);
  assert.match(human.stdout, /^1 of \d+ dead letter\(s\)$/m);
});
