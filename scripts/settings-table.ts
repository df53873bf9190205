/**
 * `node scripts/settings-table.ts`: rewrites README.md's configuration table from the services'
 * settings declarations (scripts/settings-catalog.ts), then formats it as prettier would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { settingsTableMarkdown } from '../services/lib/settings.ts';
import { SERVICE_SETTINGS, TABLE_END, TABLE_START } from './settings-catalog.ts';

const readme = new URL('../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const start = text.indexOf(TABLE_START);
const end = text.indexOf(TABLE_END);
if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_START} ... ${TABLE_END} section`);
const table = (await format(settingsTableMarkdown(SERVICE_SETTINGS), { parser: 'markdown', printWidth: 120 })).trim();
writeFileSync(readme, `${text.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${text.slice(end)}`);
console.log(`README.md: configuration table rewritten (${table.split('\n').length - 2} variables)`);
