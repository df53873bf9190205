import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopicDescription } from '../../../services/lib/kafka.ts';
import { applyTopology, describeTopology } from '../../../topology/apply.ts';
import { declaredTopics, STATUS_TOPIC } from '../../../topology/topics.ts';
import { kafkaAdmin, onCleanup, uniqueName } from '../../support/resources.ts';

test('every declared topic exists with its declared configs, the status topic compacted', async (t) => {
  const admin = await kafkaAdmin(t);
  // Global setup applied the topology; a second apply must find nothing to change.
  const plan = await applyTopology(admin, declaredTopics({ replicationFactor: 1 }));
  assert.deepEqual(plan.changes, []);
  for (const { declared, live } of await describeTopology(admin, declaredTopics({ replicationFactor: 1 }))) {
    assert.ok(live, `${declared.name} exists`);
    assert.equal(live.partitions, declared.partitions, `${declared.name} partitions`);
    assert.deepEqual(live.configs, declared.configs, `${declared.name} configs`);
  }
  const status = (await admin.describeTopics([STATUS_TOPIC])).get(STATUS_TOPIC);
  assert.equal(status?.configs['cleanup.policy'], 'compact');
});

test('apply creates, then repairs drift, and a second run changes nothing', async (t) => {
  const admin = await kafkaAdmin(t);
  const topic: TopicDescription = {
    name: uniqueName('test-topology'),
    partitions: 2,
    replicationFactor: 1,
    configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
  };
  onCleanup(t, () => admin.deleteTopics([topic.name]));

  const created = await applyTopology(admin, [topic]);
  assert.deepEqual(
    created.changes.map((change) => change.kind),
    ['create'],
  );
  assert.deepEqual((await applyTopology(admin, [topic])).changes, [], 'second apply changes nothing');

  // Someone changes the topic by hand: the policy, and an undeclared override.
  await admin.replaceTopicConfigs(topic.name, { 'cleanup.policy': 'delete', 'retention.ms': '1000' });
  const grown = { ...topic, partitions: 3 };
  const repaired = await applyTopology(admin, [grown]);
  assert.deepEqual(repaired.changes.map((change) => change.kind).sort(), ['increase-partitions', 'replace-configs']);

  const live = (await admin.describeTopics([topic.name])).get(topic.name);
  assert.deepEqual(live?.configs, topic.configs);
  assert.equal(live?.partitions, 3);
  assert.deepEqual((await applyTopology(admin, [grown])).changes, [], 'apply after repair changes nothing');
});
