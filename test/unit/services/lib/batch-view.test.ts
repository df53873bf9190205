import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  batchViewOf,
  declarationFromJson,
  declarationToJson,
  emptyBatchCounts,
} from '../../../../services/lib/batch-view.ts';
import { batchDeclarationSample, batchDeclarationWithoutFollowUpSample } from '../../../unit/schemas/samples.ts';

test('a declaration survives its JSON form, bytes included', () => {
  for (const declaration of [batchDeclarationSample, batchDeclarationWithoutFollowUpSample]) {
    assert.deepEqual(declarationFromJson(declarationToJson(declaration)), declaration);
  }
  const withNullHeader = {
    ...batchDeclarationSample,
    followUp: { ...batchDeclarationSample.followUp!, requestHeaders: [{ key: 'x-empty', value: null }] },
  };
  assert.deepEqual(declarationFromJson(declarationToJson(withNullHeader)), withNullHeader);
});

test('a batch view counts declared jobs not seen yet as PENDING in its summary', () => {
  const { batchId } = batchDeclarationSample;
  const counts = { ...emptyBatchCounts(), SUCCESS: 1 };
  const view = batchViewOf(batchId, counts, batchDeclarationSample);
  assert.deepEqual(view?.counts, counts, 'the counts are what the view saw');
  assert.equal(view?.size, 3);
  assert.equal(view?.followUpJobId, batchDeclarationSample.followUp?.jobId);
  assert.deepEqual([view?.summary.state, view?.summary.total, view?.summary.percent], ['RUNNING', 3, 33.33]);
  assert.equal(view?.summary.counts.PENDING, 2);

  const declaredOnly = batchViewOf(batchId, undefined, batchDeclarationWithoutFollowUpSample);
  assert.deepEqual([declaredOnly?.summary.state, declaredOnly?.followUpJobId], ['PENDING', null]);
  const undeclared = batchViewOf(batchId, { ...emptyBatchCounts(), FAILURE: 2 }, undefined);
  assert.deepEqual([undeclared?.size, undeclared?.summary.state, undeclared?.summary.total], [null, 'FAILURE', 2]);
  assert.equal(batchViewOf(batchId, undefined, undefined), undefined);
});
