/**
 * Recursive character splitter: cuts a text into chunks of at most `chunkSize` characters,
 * preferring to cut between paragraphs, then lines, then sentences, then words, and only as a
 * last resort inside a word. Consecutive chunks share up to `chunkOverlap` characters of whole
 * pieces, so a sentence cut at a boundary is still found whole in one of them.
 *
 * Pure. Chunks are spans of the original text (start/end offsets, UTF-16 code units), so
 * positions are exact and stable: the same text and options always give the same chunks.
 */
import type { DocumentSection } from '../documents/document-section.ts';
import { contentHash } from './content-hash.ts';

export interface SplitterOptions {
  /** Largest chunk, in characters. Default 1000. */
  chunkSize?: number;
  /** Most characters consecutive chunks share; below chunkSize. Default 200, or a fifth of chunkSize when that is less. */
  chunkOverlap?: number;
}

export type ResolvedSplitterOptions = Readonly<Required<SplitterOptions>>;

export const DEFAULT_SPLITTER_OPTIONS: ResolvedSplitterOptions = Object.freeze({ chunkSize: 1000, chunkOverlap: 200 });

/** Each option's least value. */
const MINIMA: Readonly<Record<keyof SplitterOptions, number>> = { chunkSize: 1, chunkOverlap: 0 };

/**
 * The problems of `options` (pure), worded as the typebox checks of the other options objects.
 * Written out rather than a typebox schema: the splitter runs in every indexing worker thread,
 * and typebox would be loaded in each of them for two numbers.
 */
function splitterOptionsProblems(options: SplitterOptions): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(MINIMA, name)) problems.push(`/: must not have additional properties (${name})`);
    else if (!Number.isInteger(value)) problems.push(`/${name}: must be integer`);
    else if ((value as number) < MINIMA[name as keyof SplitterOptions])
      problems.push(`/${name}: must be >= ${MINIMA[name as keyof SplitterOptions]}`);
  }
  return problems;
}

/** Applies defaults and validates; throws a RangeError naming every problem. */
export function resolveSplitterOptions(options: SplitterOptions = {}): ResolvedSplitterOptions {
  const problems = splitterOptionsProblems(options);
  const resolved = {
    chunkSize: options.chunkSize ?? DEFAULT_SPLITTER_OPTIONS.chunkSize,
    chunkOverlap:
      options.chunkOverlap ??
      Math.min(DEFAULT_SPLITTER_OPTIONS.chunkOverlap, Math.floor((options.chunkSize ?? 1000) / 5)),
  };
  if (problems.length === 0 && resolved.chunkOverlap >= resolved.chunkSize) {
    problems.push(`/chunkOverlap: must be below chunkSize (${resolved.chunkSize}), got ${resolved.chunkOverlap}`);
  }
  if (problems.length > 0) throw new RangeError(`invalid splitter options: ${problems.join('; ')}`);
  return Object.freeze(resolved);
}

/** A span of a text: [start, end) in UTF-16 code units. */
export interface TextSpan {
  start: number;
  end: number;
}

/** Where to cut, coarsest first; a cut goes right after the separator. */
const SEPARATORS: readonly RegExp[] = [
  /\n[^\S\n]*\n\s*/g, // paragraphs
  /\n\s*/g, // lines
  /[.!?…;:]+["'”’»)\]]*\s+/gu, // sentences
  /\s+/g, // words
];

/** Splits `text` into chunk spans (trimmed, never blank, each at most chunkSize long). */
export function splitText(text: string, options: ResolvedSplitterOptions): TextSpan[] {
  const pieces = splitIntoPieces(text, { start: 0, end: text.length }, 0, options.chunkSize);
  const spans: TextSpan[] = [];
  let first = 0;
  while (first < pieces.length) {
    let last = first;
    while (last + 1 < pieces.length && spanEnd(pieces, last + 1) - spanStart(pieces, first) <= options.chunkSize)
      last += 1;
    const trimmed = trim(text, { start: spanStart(pieces, first), end: spanEnd(pieces, last) });
    if (trimmed.end > trimmed.start) spans.push(trimmed);
    if (last + 1 >= pieces.length) break;
    first = overlapStart(pieces, first, last, options);
  }
  return spans;
}

/**
 * The first piece of the next chunk: the trailing pieces of this one that fit in `overlap`,
 * and still leave room for the next new piece, so every chunk moves forward.
 */
function overlapStart(pieces: TextSpan[], first: number, last: number, options: ResolvedSplitterOptions): number {
  let next = last + 1;
  while (
    next - 1 > first &&
    spanEnd(pieces, last) - spanStart(pieces, next - 1) <= options.chunkOverlap &&
    spanEnd(pieces, last + 1) - spanStart(pieces, next - 1) <= options.chunkSize
  ) {
    next -= 1;
  }
  return next;
}

/** Cuts a span into pieces of at most `size`, each ending right after a separator where one exists. */
function splitIntoPieces(text: string, span: TextSpan, level: number, size: number): TextSpan[] {
  if (span.end - span.start <= size) return [span];
  const separator = SEPARATORS[level];
  if (separator === undefined) return cutCharacters(text, span, size);
  const pieces: TextSpan[] = [];
  const pattern = new RegExp(separator.source, separator.flags);
  pattern.lastIndex = span.start;
  let start = span.start;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const end = match.index + match[0].length;
    if (end >= span.end) break;
    if (end > start) {
      pieces.push(...splitIntoPieces(text, { start, end }, level + 1, size));
      start = end;
    }
  }
  pieces.push(...splitIntoPieces(text, { start, end: span.end }, level + 1, size));
  return pieces;
}

function cutCharacters(text: string, span: TextSpan, size: number): TextSpan[] {
  const pieces: TextSpan[] = [];
  for (let start = span.start; start < span.end;) {
    let end = Math.min(start + size, span.end);
    // Never cut a surrogate pair in two (size 1 excepted: it has no room for both halves).
    if (end < span.end && end - start > 1 && isLowSurrogate(text.charCodeAt(end))) end -= 1;
    pieces.push({ start, end });
    start = end;
  }
  return pieces;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function trim(text: string, span: TextSpan): TextSpan {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start] ?? '')) start += 1;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end -= 1;
  return { start, end };
}

function spanStart(pieces: TextSpan[], index: number): number {
  return (pieces[index] as TextSpan).start;
}

function spanEnd(pieces: TextSpan[], index: number): number {
  return (pieces[index] as TextSpan).end;
}

/** A piece of a document ready to embed, with where it came from. */
export interface Chunk {
  documentId: string;
  /** The document reference's uri. */
  source: string;
  text: string;
  /** 0-based position of the chunk in its document. */
  index: number;
  /** 0-based position of the chunk's section in its document. */
  sectionIndex: number;
  /** Offsets of the chunk in its section's text, [start, end) in UTF-16 code units. */
  start: number;
  end: number;
  page?: number;
  sheet?: string;
  rows?: [number, number];
  heading?: string;
  /** Hex SHA-256 of `text`. */
  contentHash: string;
}

/** Splits each section of a document into chunks, numbered across the document. */
export async function* chunkSections(
  sections: AsyncIterable<DocumentSection> | Iterable<DocumentSection>,
  document: { documentId: string; source: string },
  options: ResolvedSplitterOptions,
): AsyncGenerator<Chunk> {
  let index = 0;
  let sectionIndex = 0;
  for await (const section of sections) {
    for (const span of splitText(section.text, options)) {
      const text = section.text.slice(span.start, span.end);
      const { text: _sectionText, ...structure } = section;
      yield {
        ...document,
        ...structure,
        text,
        index,
        sectionIndex,
        start: span.start,
        end: span.end,
        contentHash: contentHash(text),
      };
      index += 1;
    }
    sectionIndex += 1;
  }
}
