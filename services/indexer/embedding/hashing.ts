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

const FNV_OFFSET = 0x811c9dc5;
const SPACE = 0x20;
const OPEN_MARK = 0x3c; // <
const CLOSE_MARK = 0x3e; // >

/**
 * 32-bit FNV-1a over UTF-16 code units, in steps: the state after one more code unit. A
 * feature's hash is its final state as a signed integer (`| 0`); its sign is the feature's sign.
 */
function fnv1aStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/** FNV-1a's state after the code units `text[from .. to)`, continuing from `hash`. */
function fnv1aFrom(hash: number, text: string, from: number, to: number): number {
  let state = hash;
  for (let i = from; i < to; i += 1) state = Math.imul(state ^ text.charCodeAt(i), 0x01000193);
  return state;
}

const UNIGRAM_PREFIX = fnv1aFrom(FNV_OFFSET, 'w:', 0, 2);
const BIGRAM_PREFIX = fnv1aFrom(FNV_OFFSET, 'b:', 0, 2);
const CHAR_NGRAM_PREFIX = fnv1aFrom(FNV_OFFSET, 'c:', 0, 2);

/**
 * The feature-hashed, L2-normalised vector of `text` (zero for a text without words). Pure.
 * Each feature's hash runs over its characters where they lie (the word, its neighbour, the
 * boundary marks) instead of over a string built for it: a chunk of 1,000 characters has
 * about 3,000 features, and building each one as a string made the threads' young generation
 * fill several times per document. The features, their order and so the vector are the same.
 */
export function hashText(text: string, dimension: number, stripAccents = true): Float32Array {
  const vector = new Float32Array(dimension);
  const words = tokenize(text, stripAccents);
  const add = (hash: number, weight: number): void => {
    const index = (hash & 0x7fffffff) % dimension;
    vector[index] = (vector[index] as number) + (hash < 0 ? -weight : weight);
  };
  for (let position = 0; position < words.length; position += 1) {
    const word = words[position] as string;
    add(fnv1aFrom(UNIGRAM_PREFIX, word, 0, word.length) | 0, UNIGRAM_WEIGHT);
    const next = words[position + 1];
    if (next !== undefined) {
      const withSpace = fnv1aStep(fnv1aFrom(BIGRAM_PREFIX, word, 0, word.length), SPACE);
      add(fnv1aFrom(withSpace, next, 0, next.length) | 0, BIGRAM_WEIGHT);
    }
    // The n-grams of `<word>`: the marks are the first and the last of its length + 2 positions.
    const padded = word.length + 2;
    for (const size of CHAR_NGRAM_SIZES) {
      for (let start = 0; start + size <= padded; start += 1) {
        let hash = start === 0 ? fnv1aStep(CHAR_NGRAM_PREFIX, OPEN_MARK) : CHAR_NGRAM_PREFIX;
        const end = start + size;
        // Word characters at padded positions max(start, 1) .. min(end, padded - 1) - 1.
        hash = fnv1aFrom(hash, word, Math.max(start, 1) - 1, Math.min(end, padded - 1) - 1);
        if (end === padded) hash = fnv1aStep(hash, CLOSE_MARK);
        add(hash | 0, CHAR_NGRAM_WEIGHT);
      }
    }
  }
  return normaliseL2(vector);
}
