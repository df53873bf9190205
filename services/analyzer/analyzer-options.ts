/**
 * The analysis stage's options: a typed input, its defaults, and a pure resolve step that
 * reports every problem at once. The thread handler reads them from its copy of the
 * environment (analyzerOptionsFromEnvironment, pure: the caller passes the environment),
 * next to the indexer's settings it shares (document roots, vector store).
 *
 * | variable | default | meaning |
 * | SEDANO_ANALYSIS_COLLECTION | `documents` | collection `documentIds` are read from when a job names none |
 * | SEDANO_ANALYSIS_MAX_DOCUMENT_CHARS | `30000000` | most characters of text analysed per document |
 * | SEDANO_DOCUMENT_ROOTS, vector store variables | see indexer-settings.ts | shared with the indexer |
 */
import { DEFAULT_MAX_DOCUMENT_CHARS } from './analyze-documents.ts';

export interface AnalyzerOptions {
  /**
   * Collection `documentIds` are read from when the request names none.
   * @default 'documents'
   */
  defaultCollection?: string;
  /**
   * Most characters of text analysed per document; a longer one fails with SEDANO_ERR_DOCUMENT_TOO_LARGE.
   * @default 30_000_000
   */
  maxDocumentChars?: number;
}

export type ResolvedAnalyzerOptions = Required<AnalyzerOptions>;

export const DEFAULT_ANALYSIS_COLLECTION = 'documents';

/** Applies the defaults and checks the values; throws a RangeError naming every problem. */
export function resolveAnalyzerOptions(options: AnalyzerOptions = {}): ResolvedAnalyzerOptions {
  const resolved = {
    defaultCollection: options.defaultCollection ?? DEFAULT_ANALYSIS_COLLECTION,
    maxDocumentChars: options.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS,
  };
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(resolved.defaultCollection)) {
    problems.push(`defaultCollection: "${resolved.defaultCollection}" is not a collection name`);
  }
  if (!Number.isInteger(resolved.maxDocumentChars) || resolved.maxDocumentChars < 1) {
    problems.push(`maxDocumentChars: expected a whole number above 0, got ${resolved.maxDocumentChars}`);
  }
  if (problems.length > 0) throw new RangeError(`invalid analyzer options: ${problems.join('; ')}`);
  return resolved;
}

/** The options from SEDANO_ANALYSIS_COLLECTION and SEDANO_ANALYSIS_MAX_DOCUMENT_CHARS (unset: defaults). */
export function analyzerOptionsFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): ResolvedAnalyzerOptions {
  const collection = env['SEDANO_ANALYSIS_COLLECTION']?.trim();
  const maxChars = env['SEDANO_ANALYSIS_MAX_DOCUMENT_CHARS']?.trim();
  return resolveAnalyzerOptions({
    ...(collection ? { defaultCollection: collection } : {}),
    ...(maxChars ? { maxDocumentChars: Number(maxChars) } : {}),
  });
}
