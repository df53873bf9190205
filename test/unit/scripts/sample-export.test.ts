import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleExportPayload } from '../../../scripts/sample-export.ts';
import { PAYLOAD_SCHEMAS } from '../../../services/gateway/schemas.ts';
import { compileValidator } from '../../../services/gateway/validation.ts';

test("the sample export's payloads are valid export payloads for the gateway", () => {
  const validate = compileValidator(PAYLOAD_SCHEMAS.export, 'body');
  for (const payload of [sampleExportPayload(undefined), sampleExportPayload('6f1c0a52-d9e2-4c8e-8b3a-5d0f7e2c9a41')]) {
    assert.equal(validate(payload), true, JSON.stringify(validate.errors));
  }
  assert.equal(sampleExportPayload('6f1c0a52-d9e2-4c8e-8b3a-5d0f7e2c9a41')['template'], 'FINANCIAL');
});
