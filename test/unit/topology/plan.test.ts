import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TopicDescription } from '../../../services/lib/kafka.ts';
import { describeChange, planTopology } from '../../../topology/plan.ts';

const declared: TopicDescription = {
  name: 'sedano.example',
  partitions: 3,
  replicationFactor: 1,
  configs: { 'cleanup.policy': 'compact', 'retention.ms': '1000' },
};

function live(overrides: Partial<TopicDescription>): Map<string, TopicDescription> {
  return new Map([[declared.name, { ...declared, ...overrides }]]);
}

describe('planTopology', () => {
  test('creates a topic that does not exist', () => {
    const plan = planTopology([declared], new Map());
    assert.deepEqual(plan.changes, [{ kind: 'create', topic: declared }]);
    assert.deepEqual(plan.matching, []);
  });

  test('reports a matching topic and changes nothing', () => {
    const plan = planTopology([declared], live({}));
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(plan.matching, ['sedano.example']);
    assert.deepEqual(plan.warnings, []);
  });

  test('replaces configs when a declared value drifted', () => {
    const plan = planTopology([declared], live({ configs: { 'cleanup.policy': 'delete', 'retention.ms': '1000' } }));
    const [change] = plan.changes;
    assert.equal(plan.changes.length, 1);
    assert.equal(change?.kind, 'replace-configs');
    assert.match(describeChange(change), /cleanup\.policy: delete -> compact/);
  });

  test('replaces configs when the live topic has an undeclared override', () => {
    const plan = planTopology([declared], live({ configs: { ...declared.configs, 'segment.ms': '60000' } }));
    const [change] = plan.changes;
    assert.equal(change?.kind, 'replace-configs');
    assert.match(describeChange(change), /segment\.ms: 60000 -> \(default\)/);
  });

  test('grows partitions but only warns when the live topic has more', () => {
    assert.deepEqual(planTopology([declared], live({ partitions: 1 })).changes, [
      { kind: 'increase-partitions', topic: 'sedano.example', live: 1, declared: 3 },
    ]);
    const shrink = planTopology([declared], live({ partitions: 6 }));
    assert.deepEqual(shrink.changes, []);
    assert.match(shrink.warnings[0] ?? '', /cannot remove partitions/);
  });

  test('warns about a different replication factor', () => {
    const plan = planTopology([declared], live({ replicationFactor: 3 }));
    assert.match(plan.warnings[0] ?? '', /replication factor is 3, declared 1/);
  });
});
