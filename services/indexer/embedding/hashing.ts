/**
 * The default embedder: deterministic feature hashing, no model and no network.
 *
 * A text becomes word unigrams, word bigrams and character n-grams (3 to 5, of each word
 * padded with boundary marks), each hashed (32-bit FNV-1a) to a signed position of a vector
 * of fixed dimension, then L2-normalised. Tokenisation is language-neutral: lowercase,
 * Unicode letters and digits, accents stripped by default, so English and Italian (and
 * "perché" / "perche") are treated alike. Character n-grams make inflected forms close
 * ("violinist" / "violinisti"). It is a lexical embedding: paraphrases that share words or
 * stems score close, synonyms do not.
 */
import { embedderName, normaliseL2, type Embedder } from './embedder.ts';

export interface HashingEmbedderOptions {
  /** Vector length. Default 384. */
  dimension?: number;
  /** Strip accents before hashing (è → e). Default true. */
  stripAccents?: boolean;
}

export const DEFAULT_HASHING_DIMENSION = 384;

const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const CHAR_NGRAM_WEIGHT = 0.25;
const CHAR_NGRAM_SIZES = [3, 4, 5] as const;

/** Creates the hashing embedder; its name records the feature set, so vectors never mix. */
export function createHashingEmbedder(options: HashingEmbedderOptions = {}): Embedder {
  const dimension = options.dimension ?? DEFAULT_HASHING_DIMENSION;
  if (!Number.isInteger(dimension) || dimension < 2)
    throw new RangeError(`hashing dimension must be an integer >= 2, got ${dimension}`);
  const stripAccents = options.stripAccents ?? true;
  return {
    name: embedderName('hashing', 'v1', ...(stripAccents ? [] : ['accents'])),
    dimension,
    embed: async (texts) => texts.map((text) => hashText(text, dimension, stripAccents)),
  };
}

/** The lowercase words of `text`, accents stripped when asked. Pure. */
export function tokenize(text: string, stripAccents = true): string[] {
  const lower = text.toLowerCase();
  const folded = stripAccents ? lower.normalize('NFKD').replace(MARKS, '') : lower.normalize('NFKC');
  return folded.match(WORD) ?? [];
}

/** The feature-hashed, L2-normalised vector of `text` (zero for a text without words). Pure. */
export function hashText(text: string, dimension: number, stripAccents = true): Float32Array {
  const vector = new Float32Array(dimension);
  const words = tokenize(text, stripAccents);
  const add = (feature: string, weight: number): void => {
    const hash = fnv1a(feature);
    const index = (hash & 0x7fffffff) % dimension;
    vector[index] = (vector[index] as number) + (hash < 0 ? -weight : weight);
  };
  words.forEach((word, position) => {
    add(`w:${word}`, UNIGRAM_WEIGHT);
    const next = words[position + 1];
    if (next !== undefined) add(`b:${word} ${next}`, BIGRAM_WEIGHT);
    const padded = `<${word}>`;
    for (const size of CHAR_NGRAM_SIZES) {
      for (let start = 0; start + size <= padded.length; start += 1)
        add(`c:${padded.slice(start, start + size)}`, CHAR_NGRAM_WEIGHT);
    }
  });
  return normaliseL2(vector);
}

/** 32-bit FNV-1a over UTF-16 code units, as a signed integer (its sign is the feature's sign). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
