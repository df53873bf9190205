/**
 * `node scripts/error-table.ts`: rewrites README.md's error table from `ERROR_TABLE`
 * (services/lib/errors.ts), formatted as prettier would; test/unit/readme.test.ts checks it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { ERROR_TABLE } from '../services/lib/errors.ts';

const readme = new URL('../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const section = text.indexOf('## Error codes');
const start = text.indexOf('\n| code', section) + 1;
const end = text.indexOf('\n\n', start);
if (section < 0 || start <= 0 || end < start) throw new Error('README.md has no error table under "## Error codes"');
const rows = Object.entries(ERROR_TABLE).map(
  ([code, spec]) => `| \`${code}\` | ${spec.status} | ${spec.retriable ? 'yes' : 'no'} | ${spec.message} |`,
);
const table = ['| code | HTTP status | retriable | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
const formatted = (await format(table, { parser: 'markdown', printWidth: 120 })).trim();
writeFileSync(readme, `${text.slice(0, start)}${formatted}${text.slice(end)}`);
console.log(`README.md: error table rewritten (${rows.length} codes)`);
