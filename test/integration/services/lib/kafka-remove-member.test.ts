/**
 * Removing a group member on its behalf (kafka.ts `removeGroupMember`, kafkajs internals): the
 * member is gone at once and its consumer joins again with a new member id; a member the
 * coordinator does not know is reported as not removed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestTopic, kafkaAdmin, kafkaClient, onCleanup, uniqueName } from '../../../support/resources.ts';
import { waitFor } from '../../../support/wait.ts';

test('a member removed on its behalf leaves the group at once; an unknown one is not found', async (t) => {
  const admin = await kafkaAdmin(t);
  const topic = await createTestTopic(t, admin, { prefix: 'remove-member' });
  const groupId = uniqueName('remove-member-group');
  onCleanup(t, () => admin.deleteGroups([groupId]).catch(() => {}));
  const kafka = kafkaClient();
  const consumer = await kafka.consumer(groupId);
  onCleanup(t, () => consumer.close());
  const joins: string[] = [];
  consumer.onJoin?.((memberId) => joins.push(memberId));
  await consumer.consume({ topics: [topic.name], fromBeginning: true, handle: async () => {} });
  const first = await waitFor(() => joins[0], { description: 'the first join', timeoutMs: 30_000 });

  assert.equal(await kafka.removeGroupMember!(groupId, `${first}-not-a-member`), false);
  assert.equal(await kafka.removeGroupMember!(groupId, first), true);
  // The consumer learns it was removed (its next heartbeat) and joins again as a new member.
  const second = await waitFor(() => joins.find((memberId) => memberId !== first), {
    description: 'a join with a new member id',
    timeoutMs: 30_000,
  });
  assert.notEqual(second, first);
});
