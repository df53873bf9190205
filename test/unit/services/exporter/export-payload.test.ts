/** An export job as the gateway takes it: its JSON payload, with charts and figures, is a valid request. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleDefaultRequest, sampleFinancialRequest } from '../../../../services/exporter/sample-reports.ts';
import { fillDefaults } from '../../../../services/gateway/avro-json-schema.ts';
import { PAYLOAD_SCHEMAS } from '../../../../services/gateway/schemas.ts';
import { compileValidator } from '../../../../services/gateway/validation.ts';
import { validationProblems } from '../../../../services/lib/record-validation.ts';
import { STAGE_REQUEST_CONTRACTS } from '../../../../topology/contracts.ts';

test('the sample reports, sent as JSON payloads, validate and fill into valid export requests', () => {
  const validate = compileValidator(PAYLOAD_SCHEMAS.export, 'body');
  for (const request of [sampleDefaultRequest('x', 'it'), sampleFinancialRequest('x', 'en')]) {
    const { header, ...payload } = request;
    const json = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
    assert.equal(validate(json), true, JSON.stringify(validate.errors));
    const record = {
      ...(fillDefaults(PAYLOAD_SCHEMAS.export, json) as object),
      header: { ...header, jobId: '6f1c0a52-d9e2-4c8e-8b3a-5d0f7e2c9a41' },
    };
    assert.deepEqual(validationProblems(STAGE_REQUEST_CONTRACTS.export, record), []);
  }
});

test('a chart or a key figure left at its defaults is valid; an unknown template is refused at the gateway', () => {
  const validate = compileValidator(PAYLOAD_SCHEMAS.export, 'body');
  const minimal = {
    title: 'T',
    template: 'FINANCIAL',
    sections: [{ heading: 'H', charts: [{ categories: ['a'], series: [{ name: 's', values: [1] }] }] }],
    financials: { periods: ['2024'], kpis: [{ name: 'Ricavi', values: [1] }] },
  };
  assert.equal(validate(minimal), true, JSON.stringify(validate.errors));
  assert.equal(validate({ ...minimal, template: 'INVOICE' }), false);
});
