import assert from 'node:assert/strict';
import { test } from 'node:test';
import { positiveIntegerSetting } from '../../../../services/lib/settings.ts';

test('a whole number above 0, or the default when unset or blank', () => {
  assert.equal(positiveIntegerSetting({ N: '12' }, 'N', 8), 12);
  assert.equal(positiveIntegerSetting({ N: ' 3 ' }, 'N', 8), 3);
  assert.equal(positiveIntegerSetting({}, 'N', 8), 8);
  assert.equal(positiveIntegerSetting({ N: '  ' }, 'N', 8), 8);
});

test('anything else is refused, naming the variable', () => {
  for (const value of ['0', '-1', '1.5', 'eight', '1e3']) {
    assert.throws(() => positiveIntegerSetting({ N: value }, 'N', 8), {
      name: 'RangeError',
      message: `N: expected a whole number above 0, got "${value}"`,
    });
  }
});
