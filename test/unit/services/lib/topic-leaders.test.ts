import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type TopicsMetadata,
  untilTopicsHaveLeaders,
  whileLeadersSettle,
} from '../../../../services/lib/topic-leaders.ts';

/** A broker error as kafkajs throws it: a `type` naming the protocol error. */
const brokerError = (type: string) => Object.assign(new Error(`broker said ${type}`), { type });

const led = (name: string, leaders: number[]) => ({
  name,
  partitions: leaders.map((leader, partitionId) => ({ partitionId, leader })),
});

/** Answers one after another (the last again once they run out), counting the calls. */
function answers(...steps: (TopicsMetadata | Error)[]) {
  let calls = 0;
  const fetch = async () => {
    const step = steps[Math.min(calls++, steps.length - 1)]!;
    if (step instanceof Error) throw step;
    return step;
  };
  return { fetch, calls: () => calls };
}

test('a broker that does not know the topics yet, then knows them without leaders, is waited for', async () => {
  const broker = answers(
    brokerError('UNKNOWN_TOPIC_OR_PARTITION'),
    brokerError('LEADER_NOT_AVAILABLE'),
    { topics: [led('a', [1, -1]), led('b', [1])] },
    { topics: [led('a', [1, 1]), led('b', [1])] },
  );
  await untilTopicsHaveLeaders(['a', 'b'], broker.fetch, { intervalMs: 1 });
  assert.equal(broker.calls(), 4);
});

test('a topic missing from the answer is not led yet', async () => {
  const broker = answers({ topics: [led('a', [1])] }, { topics: [led('a', [1]), led('b', [1])] });
  await untilTopicsHaveLeaders(['a', 'b'], broker.fetch, { intervalMs: 1 });
  assert.equal(broker.calls(), 2);
});

test('any other error fails at once', async () => {
  const broker = answers(brokerError('TOPIC_AUTHORIZATION_FAILED'));
  await assert.rejects(untilTopicsHaveLeaders(['a'], broker.fetch, { intervalMs: 1 }), /TOPIC_AUTHORIZATION_FAILED/);
  assert.equal(broker.calls(), 1);
});

test('past its deadline the wait fails, saying what it waited for', async () => {
  let clock = 0;
  const broker = answers({ topics: [led('a', [-1])] });
  await assert.rejects(
    untilTopicsHaveLeaders(['a'], broker.fetch, { timeoutMs: 50, intervalMs: 1, now: () => (clock += 20) }),
    /not all led within 50 ms \(without a leader yet: a\)/,
  );
});

test('a wall-clock step forward does not end the wait: its deadline is on the monotonic clock', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const broker = answers({ topics: [led('a', [-1])] }, { topics: [led('a', [1])] });
  const stepping = async () => {
    t.mock.timers.setTime(Date.now() + 3_600_000);
    return broker.fetch();
  };
  await untilTopicsHaveLeaders(['a'], stepping, { timeoutMs: 10_000, intervalMs: 1 });
  assert.equal(broker.calls(), 2);
});

test('a request a settling leader refuses is asked again; another failure, or one past the bound, is thrown', async () => {
  let calls = 0;
  const offsets = await whileLeadersSettle(
    async () => {
      calls += 1;
      if (calls < 3) throw brokerError('NOT_LEADER_FOR_PARTITION');
      return [{ partition: 0, low: '0', high: '3' }];
    },
    { intervalMs: 1 },
  );
  assert.deepEqual([calls, offsets[0]?.high], [3, '3']);

  let others = 0;
  await assert.rejects(
    whileLeadersSettle(
      async () => {
        others += 1;
        throw brokerError('UNKNOWN_TOPIC_OR_PARTITION');
      },
      { intervalMs: 1 },
    ),
    /UNKNOWN_TOPIC_OR_PARTITION/,
  );
  assert.equal(others, 1, 'a topic that is not there is not waited for');

  let clock = 0;
  await assert.rejects(
    whileLeadersSettle(
      async () => {
        clock += 600;
        throw brokerError('NOT_LEADER_FOR_PARTITION');
      },
      { timeoutMs: 2_000, intervalMs: 1, now: () => clock },
    ),
    /NOT_LEADER_FOR_PARTITION/,
  );
  assert.equal(clock, 2_400, 'asked until the bound, then the last failure is thrown');
});
