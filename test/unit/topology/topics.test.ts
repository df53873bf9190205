import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BATCHES_TOPIC,
  CONTROL_TOPIC,
  DEAD_LETTER_TOPIC,
  declaredTopics,
  jobTopic,
  LANES,
  MAINTENANCE_TOPIC,
  RETRY_TIERS,
  retryTopic,
  STAGES,
  STATUS_TOPIC,
} from '../../../topology/topics.ts';
import { valueSubject } from '../../../topology/subjects.ts';
import { stageGroup } from '../../../topology/groups.ts';

const topics = declaredTopics({ replicationFactor: 1 });
const byName = new Map(topics.map((topic) => [topic.name, topic]));

test('every topic of DESIGN.md section 2 is declared once', () => {
  assert.equal(byName.size, topics.length, 'topic names are unique');
  for (const stage of STAGES) {
    for (const lane of LANES) assert.ok(byName.has(jobTopic(stage, lane)), jobTopic(stage, lane));
    for (const tier of RETRY_TIERS) assert.ok(byName.has(retryTopic(stage, tier.name)), retryTopic(stage, tier.name));
  }
  for (const name of [STATUS_TOPIC, BATCHES_TOPIC, DEAD_LETTER_TOPIC, MAINTENANCE_TOPIC, CONTROL_TOPIC])
    assert.ok(byName.has(name), name);
});

test('the status topic is compacted, the batches topic compacted and deleted, every other topic uses time retention', () => {
  const policies: Record<string, string> = { [STATUS_TOPIC]: 'compact', [BATCHES_TOPIC]: 'compact,delete' };
  for (const topic of topics) {
    const expected = policies[topic.name] ?? 'delete';
    assert.equal(topic.configs['cleanup.policy'], expected, topic.name);
    if (expected.includes('delete')) {
      assert.ok(Number(topic.configs['retention.ms']) > 0, `${topic.name} has retention.ms`);
    }
  }
});

test('names follow the sedano prefix, subjects follow TopicNameStrategy', () => {
  assert.equal(jobTopic('indexing', 'high'), 'sedano.jobs.indexing.high');
  assert.equal(retryTopic('export', '1m'), 'sedano.retry.export.1m');
  assert.equal(valueSubject(STATUS_TOPIC), 'sedano.job-status-value');
  assert.equal(stageGroup('analysis'), 'sedano.stage.analysis');
  for (const topic of topics) assert.match(topic.name, /^sedano\.[a-z0-9.-]+$/);
});

test('the replication factor is applied to every topic, min.insync.replicas follows it', () => {
  for (const topic of declaredTopics({ replicationFactor: 3 })) {
    assert.equal(topic.replicationFactor, 3);
    assert.equal(topic.configs['min.insync.replicas'], '2');
  }
});
