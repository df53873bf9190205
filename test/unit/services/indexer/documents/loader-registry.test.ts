import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loaderFor } from '../../../../../services/indexer/documents/loader-registry.ts';

test('loaderFor imports a loader for every format, the same one each time', async () => {
  for (const format of ['pdf', 'docx', 'xlsx', 'csv', 'markdown', 'html', 'text'] as const) {
    const loader = await loaderFor(format);
    assert.equal(typeof loader, 'function', format);
    assert.equal(await loaderFor(format), loader, format);
  }
});

test('a loader from the registry parses: text', async () => {
  const loader = await loaderFor('text');
  const sections = [];
  for await (const section of loader(new TextEncoder().encode('hello loaders'), {} as never)) sections.push(section);
  assert.equal(sections.length, 1);
  assert.match(JSON.stringify(sections[0]), /hello loaders/);
});
