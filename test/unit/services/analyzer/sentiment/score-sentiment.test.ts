import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lexiconFor } from '../../../../../services/analyzer/sentiment/lexicon.ts';
import { labelOf, scoreSentence, sentimentTokens } from '../../../../../services/analyzer/sentiment/score-sentiment.ts';

const en = lexiconFor('en');
const it = lexiconFor('it');
const label = (text: string, lexicon = en) => scoreSentence(text, lexicon).label;

test('plain polarity in both languages, inflected forms matched by stem', () => {
  assert.equal(label('The service was excellent.'), 'POSITIVE');
  assert.equal(label('The delivery was delayed and the box damaged.'), 'NEGATIVE');
  assert.equal(label('Il servizio è ottimo.', it), 'POSITIVE');
  assert.equal(label('Siamo rimasti delusi dalle consegne.', it), 'NEGATIVE');
  assert.equal(label('The meeting is on Tuesday.'), 'NEUTRAL');
  assert.equal(label('La riunione è martedì.', it), 'NEUTRAL');
});

test('negation turns and softens: not bad is mildly good, non è buono is bad', () => {
  const notBad = scoreSentence('Not bad at all.', en);
  assert.equal(notBad.label, 'POSITIVE');
  assert.ok(notBad.score < scoreSentence('Great.', en).score);
  assert.equal(label('The product is not good.'), 'NEGATIVE');
  assert.equal(label("I don't like it."), 'NEGATIVE');
  assert.equal(label('Il prodotto non è buono.', it), 'NEGATIVE');
  assert.equal(label('Nessun problema con la consegna.', it), 'POSITIVE');
  // A negation ends at the clause: "not cheap, but excellent" stays positive.
  assert.equal(label('Not cheap, but excellent.'), 'POSITIVE');
});

test('intensifiers strengthen and softeners weaken; -issimo reads as an intensified base word', () => {
  assert.ok(scoreSentence('It is very good.', en).score > scoreSentence('It is good.', en).score);
  assert.ok(scoreSentence('It is slightly slow.', en).score > scoreSentence('It is slow.', en).score);
  assert.ok(scoreSentence('È bellissimo.', it).score > scoreSentence('È bello.', it).score);
  assert.ok(scoreSentence('È molto lento.', it).score < scoreSentence('È lento.', it).score);
});

test('after but/ma the second clause decides; a concessive clause counts less', () => {
  assert.equal(label('The design is nice, but the battery is terrible.'), 'NEGATIVE');
  assert.equal(label('The delivery was slow, but the product is excellent.'), 'POSITIVE');
  assert.equal(label('Il cibo era buono ma il servizio pessimo.', it), 'NEGATIVE');
  assert.equal(label('Prodotto caro, però eccellente.', it), 'POSITIVE');
  assert.equal(label('Although the first week was difficult, the team did a great job.'), 'POSITIVE');
  assert.equal(label('Anche se la consegna è stata lenta, il prodotto è eccellente.', it), 'POSITIVE');
});

test('scores stay in [-1, 1]; confidence in [0, 1] grows with the margin and the evidence', () => {
  const strong = scoreSentence('Excellent, wonderful, fantastic, perfect, brilliant, amazing!', en);
  assert.ok(strong.score <= 1 && strong.score > 0.9);
  assert.ok(scoreSentence('Awful, terrible, horrible, useless!', en).score >= -1);
  const weak = labelOf(0.15, 1);
  const sure = labelOf(0.8, 4);
  assert.ok(weak.confidence < sure.confidence && sure.confidence <= 1);
  assert.deepEqual(labelOf(0, 0), { label: 'NEUTRAL', confidence: 0.7 });
});

test("tokens split elisions and expand n't", () => {
  assert.deepEqual(sentimentTokens("L'azienda isn't great, ma dell'anno!"), [
    'azienda',
    'is',
    'not',
    'great',
    ',',
    'ma',
    'anno',
    '!',
  ]);
});
