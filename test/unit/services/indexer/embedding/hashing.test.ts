import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosineSimilarity, normaliseL2 } from '../../../../../services/indexer/embedding/embedder.ts';
import { createHashingEmbedder, hashText, tokenize } from '../../../../../services/indexer/embedding/hashing.ts';

const embedder = createHashingEmbedder();

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

test('default: 384 dimensions, a name without ":"', () => {
  assert.equal(embedder.dimension, 384);
  assert.equal(embedder.name, 'hashing-v1');
  assert.equal(createHashingEmbedder({ stripAccents: false }).name, 'hashing-v1-accents');
  assert.throws(() => createHashingEmbedder({ dimension: 1 }), RangeError);
});

test('deterministic: the same text gives the same vector, in any batch and any embedder instance', async () => {
  const [a, b] = await embedder.embed(['The harbour pilot logged ships.', 'Other text']);
  const [again] = await createHashingEmbedder().embed(['The harbour pilot logged ships.']);
  assert.deepEqual(again, a);
  assert.notDeepEqual(a, b);
});

test('vectors are L2-normalised; a text without words is the zero vector', async () => {
  const vectors = await embedder.embed([
    'uno',
    'A longer sentence, with punctuation!',
    'Perché no? Città vecchia.',
    '...',
  ]);
  for (const vector of vectors.slice(0, 3)) assert.ok(Math.abs(norm(vector) - 1) < 1e-5, `norm ${norm(vector)}`);
  assert.equal(norm(vectors[3] as Float32Array), 0);
  assert.ok(vectors.every((vector) => vector.length === 384));
});

test('tokenisation is language-neutral: lowercase, letters and digits, accents stripped', () => {
  assert.deepEqual(tokenize("Perché l'Università È chiusa? 2024!"), [
    'perche',
    'l',
    'universita',
    'e',
    'chiusa',
    '2024',
  ]);
  assert.deepEqual(tokenize('Perché', false), ['perché']);
  assert.deepEqual(tokenize('Crème brûlée — naïve café'), ['creme', 'brulee', 'naive', 'cafe']);
});

for (const [language, sentence, paraphrase, unrelated] of [
  [
    'English',
    'The night ferry to Dover carried twelve violinists and a tortoise.',
    'Twelve violinists and one tortoise travelled on the Dover night ferry.',
    'Quarterly revenue grew because copper prices fell in the third quarter.',
  ],
  [
    'Italian',
    'Il traghetto notturno per Olbia portava dodici violinisti e una tartaruga.',
    'Dodici violinisti e una tartaruga viaggiavano sul traghetto notturno per Olbia.',
    'I ricavi trimestrali sono cresciuti perché il prezzo del rame è sceso.',
  ],
] as const) {
  test(`${language}: a sentence is closer to its paraphrase than to an unrelated sentence`, async () => {
    const [a, p, u] = await embedder.embed([sentence, paraphrase, unrelated]);
    const toParaphrase = cosineSimilarity(a as Float32Array, p as Float32Array);
    const toUnrelated = cosineSimilarity(a as Float32Array, u as Float32Array);
    assert.ok(
      toParaphrase > toUnrelated + 0.2,
      `paraphrase ${toParaphrase.toFixed(3)} vs unrelated ${toUnrelated.toFixed(3)}`,
    );
  });
}

test('inflected forms are close through character n-grams (violinist / violinisti)', async () => {
  const [a, b, c] = await embedder.embed(['violinist', 'violinisti', 'tartaruga']);
  assert.ok(cosineSimilarity(a as Float32Array, b as Float32Array) > 0.5);
  assert.ok(cosineSimilarity(a as Float32Array, c as Float32Array) < 0.2);
});

/** The features as strings, hashed one by one: what hashText computes without building them. */
function referenceHashText(text: string, dimension: number, stripAccents = true): Float32Array {
  const vector = new Float32Array(dimension);
  const fnv1a = (feature: string) => {
    let hash = 0x811c9dc5;
    for (let i = 0; i < feature.length; i += 1) hash = Math.imul(hash ^ feature.charCodeAt(i), 0x01000193);
    return hash | 0;
  };
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    const index = (hash & 0x7fffffff) % dimension;
    vector[index] = (vector[index] as number) + (hash < 0 ? -weight : weight);
  };
  const words = tokenize(text, stripAccents);
  words.forEach((word, position) => {
    add(`w:${word}`, 1);
    const next = words[position + 1];
    if (next !== undefined) add(`b:${word} ${next}`, 0.5);
    const padded = `<${word}>`;
    for (const size of [3, 4, 5]) {
      for (let start = 0; start + size <= padded.length; start += 1)
        add(`c:${padded.slice(start, start + size)}`, 0.25);
    }
  });
  return normaliseL2(vector);
}

test('the vector is bit for bit that of the features built as strings (words of 1 to 12 letters, accents kept or not)', () => {
  const texts = [
    'a',
    'ab cd',
    'The night ferry to Dover carried twelve violinists and a tortoise.',
    "Perché l'Università È chiusa? 2024! Crème brûlée — naïve café",
    'x yz abc abcd abcde abcdef abcdefghijkl 1 22 333',
    '',
  ];
  for (const text of texts) {
    for (const stripAccents of [true, false]) {
      for (const dimension of [2, 7, 384]) {
        assert.deepEqual(
          hashText(text, dimension, stripAccents),
          referenceHashText(text, dimension, stripAccents),
          text,
        );
      }
    }
  }
});
