import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeDocumentText, assignLanguages } from '../../../../services/analyzer/analyze-document.ts';

const prose = (text: string, page: number | null = null) => ({ text, page, sheet: null, rows: null });

test('a mixed document is analysed section by section in each language', () => {
  const findings = analyzeDocumentText(
    [
      prose('Il servizio clienti è stato pessimo e la consegna è arrivata in ritardo di due settimane.', 1),
      prose('Il prodotto si è rotto dopo una settimana, molto deluso.', 2),
      prose('The English appendix says the support team was excellent.', 3),
    ],
    'SENTIMENT',
    null,
  );
  assert.equal(findings.language, 'it');
  assert.deepEqual(findings.languages, ['it', 'en']);
  assert.deepEqual(
    findings.sentiment?.sentences.map((s) => [s.language, s.label]),
    [
      ['it', 'NEGATIVE'],
      ['it', 'NEGATIVE'],
      ['en', 'POSITIVE'],
    ],
  );
  assert.equal(findings.financial, null);
  assert.equal(findings.statistics, null);
});

test('a given language applies to every section; a table takes the document language', () => {
  const given = assignLanguages([prose('The service was great.'), prose('1 | 2 | 3')], 'it-IT');
  assert.deepEqual(
    given.sections.map((s) => s.language),
    ['it', 'it'],
  );
  const detected = assignLanguages(
    [prose('The service was great and the staff were friendly.'), prose('1 | 2 | 3')],
    null,
  );
  assert.deepEqual(
    detected.sections.map((s) => s.language),
    ['en', 'en'],
  );
});

test('comprehensive gives statistics, keywords and entities, and the financial and sentiment summaries', () => {
  const findings = analyzeDocumentText(
    [prose('Jane Miller said revenue reached $4.8 million in FY2024, up 20%. The results were excellent.')],
    'COMPREHENSIVE',
    null,
  );
  const statistics = findings.statistics;
  assert.ok(statistics);
  assert.equal(statistics.sentences, 2);
  assert.equal(statistics.words, 16); // FY2024 counts as FY and 2024
  assert.ok(statistics.keywords.includes('revenue'));
  assert.deepEqual(
    statistics.entities.filter((e) => e.type !== 'PERSON'),
    [
      { text: '4800000 USD', type: 'MONEY' },
      { text: '20%', type: 'PERCENT' },
      { text: 'FY2024', type: 'DATE' },
    ],
  );
  assert.ok(statistics.entities.some((e) => e.type === 'PERSON' && e.text === 'Jane Miller'));
  assert.equal(findings.sentiment?.label, 'POSITIVE');
  assert.equal(findings.financial?.amounts.length, 1);
});

test('an unsupported language still gets statistics, and an explicit unsupported sentiment', () => {
  const findings = analyzeDocumentText(
    [prose('Der Umsatz stieg im dritten Quartal deutlich, und die Kunden waren sehr zufrieden mit dem Service.')],
    'COMPREHENSIVE',
    null,
  );
  assert.equal(findings.language, 'de');
  assert.equal(findings.sentiment?.supported, false);
  assert.ok((findings.statistics?.words ?? 0) > 10);
});
