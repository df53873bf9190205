/**
 * Regression (issue 11, item 6): a request whose header said `jobType: INDEX_DOCUMENTS`,
 * produced to a noop lane, ran as a noop job, and the view showed INDEX_DOCUMENTS done by the
 * NOOP stage, although the JobHeader contract says the type must match its record.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadLetterRecordContract } from '../../../../../schemas/dead-letter-record.ts';
import { createCodec } from '../../../../../services/lib/codec.ts';
import { createNoopStage } from '../../../../../services/noop/noop-stage.ts';
import { collectMessages, schemaRegistry } from '../../../../support/resources.ts';
import { waitFor } from '../../../../support/wait.ts';
import { stageSandbox } from './stage-sandbox.ts';

test('regression: a job whose header says INDEX_DOCUMENTS on a noop lane is dead-lettered as a type mismatch, never run as noop', async (t) => {
  const sandbox = await stageSandbox(t);
  const deadLetters = await collectMessages(t, [sandbox.names.deadLetterTopic]);
  await sandbox.start(createNoopStage());
  const mislabelled = await sandbox.submit({ sleepMs: 0 }, undefined, 1, { jobType: 'INDEX_DOCUMENTS' });
  const genuine = await sandbox.submit({ sleepMs: 0 });

  const codec = createCodec({ registry: schemaRegistry(), maxMessageBytes: 4_194_304 });
  const record = await waitFor(
    async () => {
      for (const message of deadLetters.messages) {
        const { record: letter } = await codec.decode(deadLetterRecordContract, message.value);
        if (letter.jobId === mislabelled.header.jobId) return letter;
      }
      return false;
    },
    { description: `the dead letter of ${mislabelled.header.jobId}` },
  );
  assert.equal(record.errorCode, 'SEDANO_ERR_JOB_TYPE_MISMATCH');
  assert.equal(record.attempts, 0);
  assert.ok(sandbox.topics.lanes.includes(record.sourceTopic));
  assert.match(record.reason, /INDEX_DOCUMENTS is not NOOP/);

  // The lane goes on: the job behind it runs, and the mislabelled one never reported a state.
  await sandbox.eventsUntil(genuine.header.jobId, 'SUCCESS');
  assert.deepEqual(await sandbox.events(mislabelled.header.jobId), []);
});
