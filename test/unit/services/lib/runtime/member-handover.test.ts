import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  type MemberHandoverOptions,
  rememberMember,
  removeFormerMember,
} from '../../../../../services/lib/runtime/member-handover.ts';
import { redisKeys } from '../../../../../topology/redis-keys.ts';

/** Handover options over an in-memory Redis; `removed` lists the members removed. */
function handover(stored: Map<string, string>, remove?: (memberId: string) => Promise<boolean>) {
  const removed: string[] = [];
  const redis = {
    get: async (key: string) => stored.get(key) ?? null,
    set: async (key: string, value: string) => void stored.set(key, value),
  } as unknown as Redis;
  const options: MemberHandoverOptions = {
    kafka: {
      removeGroupMember: async (_groupId, memberId) => {
        removed.push(memberId);
        return remove ? remove(memberId) : true;
      },
    },
    redis,
    keys: redisKeys('unit'),
    groupId: 'unit.stage.noop',
    workerId: 'worker-1',
    logger: pino({ level: 'silent' }),
  };
  return { options, removed };
}

test('a worker remembers its member id at every join, and once restarted removes that member before joining', async () => {
  const stored = new Map<string, string>();
  const { options, removed } = handover(stored);
  let join: ((memberId: string) => void) | undefined;
  rememberMember({ onJoin: (listener) => void (join = listener) }, options);
  await removeFormerMember(options);
  assert.deepEqual(removed, [], 'nothing remembered yet: nothing removed');
  join?.('member-a');
  join?.('member-b');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stored.get(redisKeys('unit').groupMember('unit.stage.noop', 'worker-1')), 'member-b');
  await removeFormerMember(options);
  assert.deepEqual(removed, ['member-b']);
});

test('a failed removal never fails the worker: it waits for the former session instead', async () => {
  const stored = new Map([[redisKeys('unit').groupMember('unit.stage.noop', 'worker-1'), 'member-a']]);
  const { options, removed } = handover(stored, async () => {
    throw new Error('the coordinator is away');
  });
  await removeFormerMember(options);
  assert.deepEqual(removed, ['member-a']);
});
