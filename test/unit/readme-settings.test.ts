import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { format } from 'prettier';
import { settingsTableMarkdown } from '../../services/lib/settings.ts';
import { SERVICE_SETTINGS, TABLE_END, TABLE_START } from '../../scripts/settings-catalog.ts';

test("README's configuration table is the services' settings, each variable once with its default", async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  assert.ok(start >= 0 && end > start, 'README.md has the generated configuration table');
  const documented = readme.slice(start + TABLE_START.length, end).trim();
  const declared = (
    await format(settingsTableMarkdown(SERVICE_SETTINGS), { parser: 'markdown', printWidth: 120 })
  ).trim();
  assert.equal(documented, declared, 'run `node scripts/settings-table.ts` after changing a setting');
});

test('every variable is declared once: services sharing one share its declaration', () => {
  const byVariable = new Map<string, unknown>();
  for (const spec of Object.values(SERVICE_SETTINGS)) {
    for (const setting of Object.values(spec)) {
      const seen = byVariable.get(setting.variable);
      assert.ok(seen === undefined || seen === setting, `${setting.variable} is declared twice`);
      byVariable.set(setting.variable, setting);
    }
  }
});
