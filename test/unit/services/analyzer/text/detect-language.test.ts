import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  baseLanguage,
  detectLanguage,
  documentLanguage,
  isSupportedLanguage,
} from '../../../../../services/analyzer/text/detect-language.ts';

test('eld tells short Italian and English business sentences apart', () => {
  const cases: [string, string][] = [
    ['Il fatturato è cresciuto del 12% nel terzo trimestre.', 'it'],
    ['Revenue grew 12% in the third quarter.', 'en'],
    ['Ottimo servizio, consegna veloce', 'it'],
    ['Great service, fast delivery', 'en'],
    ['Il servizio non è buono', 'it'],
    ['The support was not helpful', 'en'],
  ];
  for (const [text, language] of cases) assert.equal(detectLanguage(text).language, language, text);
});

test('a text with too few letters (a row of numbers) is not guessed', () => {
  assert.deepEqual(detectLanguage('1.234 | 5.678 | Q3'), { language: null, reliable: false });
  assert.equal(detectLanguage('').language, null);
});

test('a document takes the language of most of its text', () => {
  assert.equal(
    documentLanguage([
      { language: 'en', characters: 100 },
      { language: 'it', characters: 80 },
      { language: 'it', characters: 80 },
      { language: null, characters: 1000 },
    ]),
    'it',
  );
  assert.equal(documentLanguage([{ language: null, characters: 10 }]), null);
});

test('tags reduce to their base language; only en and it have sentiment support', () => {
  assert.equal(baseLanguage('it-IT'), 'it');
  assert.equal(baseLanguage('EN_gb'), 'en');
  assert.ok(isSupportedLanguage('it') && isSupportedLanguage('en'));
  assert.ok(!isSupportedLanguage('de') && !isSupportedLanguage(null));
});
