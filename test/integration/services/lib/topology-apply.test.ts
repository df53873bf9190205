import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopicDescription } from '../../../../services/lib/kafka.ts';
import { applyTopology, describeTopology } from '../../../../services/lib/topology-apply.ts';
import { declaredTopics } from '../../../../topology/topics.ts';
import { kafkaAdmin, onCleanup, testNames, uniqueName } from '../../../support/resources.ts';

test('every declared topic exists with its declared configs, the status topic compacted', async (t) => {
  const admin = await kafkaAdmin(t);
  // Global setup applied the topology of the test run's namespace; a second apply must find nothing to change.
  const names = testNames();
  const declared = declaredTopics(names, { replicationFactor: 1 });
  const plan = await applyTopology(admin, declared);
  assert.deepEqual(plan.changes, []);
  for (const { declared: topic, live } of await describeTopology(admin, declared)) {
    assert.ok(live, `${topic.name} exists`);
    assert.equal(live.partitions, topic.partitions, `${topic.name} partitions`);
    assert.deepEqual(live.configs, topic.configs, `${topic.name} configs`);
  }
  const status = (await admin.describeTopics([names.statusTopic])).get(names.statusTopic);
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
