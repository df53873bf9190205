import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capitalisedEntities, englishEntities } from '../../../../../services/analyzer/comprehensive/entities.ts';

test('English people and places through compromise', () => {
  const found = englishEntities('Tim Cook met the mayor in London on Monday.');
  assert.ok(found.some((e) => e.type === 'PERSON' && e.text === 'Tim Cook'));
  assert.ok(found.some((e) => e.type === 'LOCATION' && e.text === 'London'));
});

test('Italian organisations by company form, places by name, people by capitalised pairs', () => {
  const found = capitalisedEntities(
    'Il Gruppo Ferretti S.p.A. ha incontrato Mario Rossi a Milano. Banca Intesa e ACME hanno firmato.',
  );
  assert.deepEqual(found, [
    { text: 'Gruppo Ferretti S.p.A', type: 'ORGANIZATION' },
    { text: 'Mario Rossi', type: 'PERSON' },
    { text: 'Milano', type: 'LOCATION' },
    { text: 'Banca Intesa', type: 'ORGANIZATION' },
    { text: 'ACME', type: 'ORGANIZATION' },
  ]);
});

test('sentence-initial articles and lone capitalised words are not names', () => {
  assert.deepEqual(capitalisedEntities('Il servizio è buono. La consegna è lenta. Questo mese va bene.'), []);
});
