import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ControlCommand } from '../../../../../schemas/control-command.ts';
import {
  applyControlCommand,
  type ControlListenerOptions,
  PING_MAX_AGE_MS,
} from '../../../../../services/lib/runtime/control-listener.ts';
import type { Codec } from '../../../../../services/lib/codec.ts';
import type { KafkaConsumer } from '../../../../../services/lib/kafka.ts';
import type { Logger } from '../../../../../services/lib/logger.ts';

const NOW = 1_750_000_000_000;

function ping(overrides: Partial<ControlCommand> = {}): ControlCommand {
  return {
    commandId: 'c0ffee00-0000-4000-8000-000000000001',
    command: 'PING',
    jobId: null,
    stage: null,
    reason: null,
    requester: 'ctl',
    issuedAt: NOW - 1_000,
    ...overrides,
  };
}

/** Options whose collaborators fail the test if a PING touches them. */
function options(pinged: ControlCommand[]): ControlListenerOptions {
  const unused = new Proxy(
    {},
    {
      get: (_target, property) => {
        throw new Error(`a PING must not use ${String(property)}`);
      },
    },
  );
  return {
    // The listener's Kafka, codec and logger are not used by applyControlCommand.
    consumer: unused as KafkaConsumer,
    codec: unused as Codec,
    logger: unused as Logger,
    revocations: {
      revoke: () => Promise.reject(new Error('a PING must not revoke')),
      reasonRevoked: () => Promise.reject(new Error('a PING must not read revocations')),
    },
    controlTopic: 'sedano.control',
    stage: 'noop',
    onRevoke: () => assert.fail('a PING must not revoke'),
    onPause: () => assert.fail('a PING must not pause'),
    onPing: (command) => pinged.push(command),
    now: () => NOW,
  };
}

test('a recent PING is handed to onPing', async () => {
  const pinged: ControlCommand[] = [];
  const command = ping();
  await applyControlCommand(command, options(pinged));
  assert.deepEqual(pinged, [command]);
});

test('a PING older than PING_MAX_AGE_MS is ignored (the topic is replayed on boot)', async () => {
  const pinged: ControlCommand[] = [];
  await applyControlCommand(ping({ issuedAt: NOW - PING_MAX_AGE_MS - 1 }), options(pinged));
  assert.deepEqual(pinged, []);
  await applyControlCommand(ping({ issuedAt: NOW - PING_MAX_AGE_MS }), options(pinged));
  assert.equal(pinged.length, 1, 'exactly PING_MAX_AGE_MS old is still answered');
});

test('a PING naming a stage is answered only by that stage, case-insensitively', async () => {
  const pinged: ControlCommand[] = [];
  await applyControlCommand(ping({ stage: 'indexing' }), options(pinged));
  assert.deepEqual(pinged, []);
  await applyControlCommand(ping({ stage: 'NOOP' }), options(pinged));
  assert.equal(pinged.length, 1);
});

test('a PING without onPing does nothing', async () => {
  const { onPing: _ignored, ...withoutPing } = options([]);
  await applyControlCommand(ping(), withoutPing);
});

test('PAUSE_STAGE and RESUME_STAGE issued before the pause record the worker started from are skipped', async () => {
  const paused: boolean[] = [];
  const from = NOW - 10_000;
  const listener = { ...options([]), onPause: (pause: boolean) => paused.push(pause), pauseCommandsFrom: from };
  const command = (type: 'PAUSE_STAGE' | 'RESUME_STAGE', issuedAt: number, stage = 'noop') =>
    ping({ command: type, stage, issuedAt });
  await applyControlCommand(command('RESUME_STAGE', from - 1), listener);
  assert.deepEqual(paused, [], 'older than the record: a state it replaced');
  await applyControlCommand(command('PAUSE_STAGE', from), listener);
  await applyControlCommand(command('RESUME_STAGE', from + 1), listener);
  await applyControlCommand(command('PAUSE_STAGE', from + 2, 'indexing'), listener);
  assert.deepEqual(paused, [true, false], "the record's own command and later ones, of this stage only");
  const { pauseCommandsFrom: _from, ...withoutRecord } = listener;
  await applyControlCommand(command('PAUSE_STAGE', 0), withoutRecord);
  assert.deepEqual(paused, [true, false, true], 'without a record, every command counts');
});
