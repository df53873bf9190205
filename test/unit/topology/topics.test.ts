import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contractBindings } from '../../../topology/contracts.ts';
import { DEFAULT_NAMESPACE, topologyNames } from '../../../topology/names.ts';
import { redisKeys } from '../../../topology/redis-keys.ts';
import { declaredTopics, LANES, RETRY_TIERS, STAGES } from '../../../topology/topics.ts';

const names = topologyNames();
const topics = declaredTopics(names, { replicationFactor: 1 });
const byName = new Map(topics.map((topic) => [topic.name, topic]));

test('every topic of DESIGN.md section 2 is declared once', () => {
  assert.equal(byName.size, topics.length, 'topic names are unique');
  for (const stage of STAGES) {
    for (const lane of LANES) assert.ok(byName.has(names.jobTopic(stage, lane)), names.jobTopic(stage, lane));
    for (const tier of RETRY_TIERS) {
      assert.ok(byName.has(names.retryTopic(stage, tier.name)), names.retryTopic(stage, tier.name));
    }
  }
  for (const name of [
    names.statusTopic,
    names.batchesTopic,
    names.deadLetterTopic,
    names.maintenanceTopic,
    names.controlTopic,
  ]) {
    assert.ok(byName.has(name), name);
  }
});

test('the status topic is compacted, the batches topic compacted and deleted, every other topic uses time retention', () => {
  const policies: Record<string, string> = { [names.statusTopic]: 'compact', [names.batchesTopic]: 'compact,delete' };
  for (const topic of topics) {
    const expected = policies[topic.name] ?? 'delete';
    assert.equal(topic.configs['cleanup.policy'], expected, topic.name);
    if (expected.includes('delete')) {
      assert.ok(Number(topic.configs['retention.ms']) > 0, `${topic.name} has retention.ms`);
    }
  }
});

test('names follow the sedano prefix, subjects follow TopicNameStrategy', () => {
  assert.equal(names.namespace, DEFAULT_NAMESPACE);
  assert.equal(names.jobTopic('indexing', 'high'), 'sedano.jobs.indexing.high');
  assert.equal(names.retryTopic('export', '1m'), 'sedano.retry.export.1m');
  assert.equal(names.valueSubject(names.statusTopic), 'sedano.job-status-value');
  assert.equal(names.stageGroup('analysis'), 'sedano.stage.analysis');
  for (const topic of topics) assert.match(topic.name, /^sedano\.[a-z0-9.-]+$/);
});

test('another namespace renames every topic, group, subject and Redis key, and nothing else', () => {
  const staging = topologyNames('staging');
  const stagingTopics = declaredTopics(staging, { replicationFactor: 1 });
  assert.deepEqual(
    stagingTopics.map((topic) => ({ ...topic, name: topic.name.replace(/^staging\./, 'sedano.') })),
    topics,
  );
  assert.equal(staging.stageGroup('noop'), 'staging.stage.noop');
  assert.equal(staging.retryGroup(staging.stageGroup('noop')), 'staging.stage.noop.retry');
  assert.equal(staging.controlGroup('w1'), 'staging.control.w1');
  assert.ok(staging.controlGroup('w1').startsWith(staging.controlGroupPrefix));
  for (const binding of contractBindings(staging).all()) assert.match(binding.subject, /^staging\.[a-z0-9.-]+-value$/);
  const keys = redisKeys('staging');
  for (const key of [
    keys.ledger('j'),
    keys.status.job('j'),
    keys.workers.index,
    keys.embedding('hashing-v1', 384, 'ab'),
  ]) {
    assert.ok(key.startsWith('staging:'), key);
  }
  for (const bad of ['', 'Sedano', 'a.b', 'a:b', '-x', 'x'.repeat(41)]) {
    assert.throws(() => topologyNames(bad), RangeError, JSON.stringify(bad));
  }
});

test('the replication factor is applied to every topic, min.insync.replicas follows it', () => {
  for (const topic of declaredTopics(names, { replicationFactor: 3 })) {
    assert.equal(topic.replicationFactor, 3);
    assert.equal(topic.configs['min.insync.replicas'], '2');
  }
});
