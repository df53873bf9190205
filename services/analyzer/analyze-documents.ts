/**
 * One analysis job: for each document (the `documentIds`, read back from the vector store,
 * then the `documents` references, read with the indexer's loaders), read its sections,
 * analyse them (analyze-document.ts) and add the result. Collaborators are injected, so tests
 * run it against a real store and files without Kafka; the thread handler builds them.
 *
 * Outcomes:
 * - A document that cannot be read or has no text goes to `failed` with its code, and the job
 *   goes on; a job whose every document failed still succeeds (its result says why).
 * - An outage (a retriable error of the store) fails the attempt, so the runtime retries it.
 * - An unknown `modelId` fails the job at once, before any document is read
 *   (SEDANO_ERR_MODEL_NOT_FOUND, not retriable).
 * - The signal (revoke, time limit, shutdown) is checked between documents and between
 *   sections, so a revoke stops the job at the next boundary.
 * - A result past its size budget has its detail lists cut, as the documents arrive, so a job
 *   of thousands of documents does not hold each one's whole detail (result-budget.ts).
 */
import type { AnalysisResult } from '../../schemas/analysis-result.ts';
import type { AnalyzeDocumentsRequest } from '../../schemas/analyze-documents-request.ts';
import type { DocumentAnalysis } from '../../schemas/document-analysis.ts';
import type { FailedDocument } from '../../schemas/failed-document.ts';
import { type ErrorCode, isSedanoError, SedanoError } from '../lib/errors.ts';
import type { JobContext } from '../lib/runtime/stage.ts';
import { shownText } from '../lib/shown-text.ts';
import type { DocumentLimits, IndexedDocuments } from '../indexer/document-access.ts';
import { analysisProgressReport, type AnalysisProgressState, SECTIONS_PER_REPORT } from './analysis-progress.ts';
import { analyzeDocumentText, type SectionText } from './analyze-document.ts';
import type { LoadClassifier, TextClassifier } from './classifier-port.ts';
import { classifySentiment } from './classify-sentiment.ts';
import { type OpenedDocument, openIndexed, openReference } from './read-sections.ts';
import { BudgetedResult } from './result-budget.ts';
import { documentAnalysisOf } from './to-contract.ts';

/** Most characters of text analysed per document (about 10,000 pages); a longer one fails as too large. */
export const DEFAULT_MAX_DOCUMENT_CHARS = 30_000_000;

export interface AnalyzeDocumentsDependencies {
  /** The vector store `documentIds` are read from (needed only when a job names some). */
  store?: Pick<IndexedDocuments, 'documentChunks'>;
  /** Collection read when the request names none. */
  defaultCollection: string;
  /** Absolute directories references are read from. */
  documentRoots: readonly string[];
  limits: DocumentLimits;
  /** Loads a trained classifier (`modelId`); without it, a job naming a model fails. */
  loadClassifier?: LoadClassifier;
  /** Default DEFAULT_MAX_DOCUMENT_CHARS. */
  maxDocumentChars?: number;
}

export type AnalysisContext = Pick<JobContext<AnalyzeDocumentsRequest>, 'signal' | 'progress'>;

export type AnalysisRequest = Pick<
  AnalyzeDocumentsRequest,
  'documentIds' | 'documents' | 'analysisType' | 'language' | 'modelId' | 'collection'
>;

type Target =
  | { kind: 'indexed'; documentId: string }
  | { kind: 'reference'; reference: AnalyzeDocumentsRequest['documents'][number] };

/** Runs the job; resolves with its result, or rejects on an outage, an abort or an unknown model. */
export async function analyzeDocuments(
  request: AnalysisRequest,
  dependencies: AnalyzeDocumentsDependencies,
  context: AnalysisContext,
): Promise<AnalysisResult> {
  const classifier = request.modelId === null ? undefined : await loadModel(request.modelId, dependencies);
  const targets: Target[] = [
    ...request.documentIds.map((documentId): Target => ({ kind: 'indexed', documentId })),
    ...request.documents.map((reference): Target => ({ kind: 'reference', reference })),
  ];
  const result = new BudgetedResult(request.analysisType);
  const state: AnalysisProgressState = {
    currentDocument: null,
    documentsDone: 0,
    documentsTotal: targets.length,
    sectionsDone: null,
    fraction: 0,
  };
  const report = (message: string) => {
    const { current, total, details } = analysisProgressReport(state, message);
    context.progress(current, total, message, details);
  };
  report(`${request.analysisType.toLowerCase()} analysis of ${targets.length} document(s)`);
  for (const target of targets) {
    context.signal.throwIfAborted();
    const name = target.kind === 'indexed' ? target.documentId : (target.reference.documentId ?? target.reference.uri);
    Object.assign(state, { currentDocument: name, sectionsDone: null, fraction: 0 });
    report(`analysing ${name}`);
    try {
      result.addDocument(await analyzeOne(target, request, dependencies, context, classifier, state, report));
    } catch (error) {
      result.addFailed(failure(error, name, context.signal));
    }
    Object.assign(state, { documentsDone: state.documentsDone + 1, sectionsDone: null, fraction: 0 });
    report(`${state.documentsDone} of ${state.documentsTotal} document(s) done`);
  }
  state.currentDocument = null;
  report(`${result.held.documents.length} analysed, ${result.held.failed.length} failed`);
  return result.result();
}

async function loadModel(modelId: string, dependencies: AnalyzeDocumentsDependencies): Promise<TextClassifier> {
  if (dependencies.loadClassifier === undefined) {
    throw new SedanoError('SEDANO_ERR_MODEL_NOT_FOUND', `model "${modelId}": this analyser has no trained models`, {
      retriable: false,
    });
  }
  try {
    return await dependencies.loadClassifier(modelId);
  } catch (error) {
    if (isSedanoError(error) && error.retriable) throw error;
    if (isSedanoError(error) && error.code === 'SEDANO_ERR_MODEL_NOT_FOUND') throw error;
    throw new SedanoError('SEDANO_ERR_MODEL_NOT_FOUND', `model "${modelId}" could not be loaded: ${String(error)}`, {
      retriable: false,
      cause: error,
    });
  }
}

async function analyzeOne(
  target: Target,
  request: AnalysisRequest,
  dependencies: AnalyzeDocumentsDependencies,
  context: AnalysisContext,
  classifier: TextClassifier | undefined,
  state: AnalysisProgressState,
  report: (message: string) => void,
): Promise<DocumentAnalysis> {
  const opened = await open(target, request, dependencies);
  const sections = await readAll(
    opened,
    dependencies.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS,
    context,
    (count) => {
      // Long documents report as their sections are read; the fraction is an estimate (their length is unknown).
      if (count % SECTIONS_PER_REPORT !== 0) return;
      Object.assign(state, { sectionsDone: count, fraction: Math.min(0.9, count / (count + 100)) });
      report(`reading ${opened.documentId}: ${count} section(s)`);
    },
  );
  const findings = analyzeDocumentText(sections, request.analysisType, request.language);
  if (classifier !== undefined && findings.sentiment !== null) {
    findings.sentiment = await classifySentiment(classifier, sections, findings.sentiment);
  }
  return documentAnalysisOf(opened.documentId, opened.source, findings);
}

async function open(
  target: Target,
  request: AnalysisRequest,
  dependencies: AnalyzeDocumentsDependencies,
): Promise<OpenedDocument> {
  if (target.kind === 'reference')
    return openReference(target.reference, dependencies.documentRoots, dependencies.limits);
  if (dependencies.store === undefined) {
    throw new SedanoError(
      'SEDANO_ERR_DOCUMENT_NOT_INDEXED',
      'this analyser has no vector store to read indexed documents from',
      {
        retriable: false,
      },
    );
  }
  try {
    return await openIndexed(
      dependencies.store,
      request.collection ?? dependencies.defaultCollection,
      target.documentId,
    );
  } catch (error) {
    // A job that names no collection reads the analyser's default, which need not be the one
    // its documents were indexed into (`npm start` indexes its samples into `samples`): say so.
    if (request.collection !== null || !isSedanoError(error) || error.code !== 'SEDANO_ERR_VECTOR_COLLECTION_NOT_FOUND')
      throw error;
    throw new SedanoError(
      error.code,
      `${error.message}: the job names no collection, so the analyser's default (SEDANO_ANALYSIS_COLLECTION) was read; name the collection the documents were indexed into`,
      { retriable: error.retriable, cause: error },
    );
  }
}

async function readAll(
  opened: OpenedDocument,
  maxChars: number,
  context: AnalysisContext,
  onSection: (count: number) => void,
): Promise<SectionText[]> {
  const sections: SectionText[] = [];
  let characters = 0;
  for await (const section of opened.sections) {
    context.signal.throwIfAborted();
    characters += section.text.length;
    if (characters > maxChars) {
      throw new SedanoError(
        'SEDANO_ERR_DOCUMENT_TOO_LARGE',
        `the document has more than ${maxChars} characters of text`,
        {
          retriable: false,
        },
      );
    }
    sections.push(section);
    onSection(sections.length);
  }
  if (sections.every((section) => section.text.trim() === '')) {
    throw new SedanoError(
      'SEDANO_ERR_DOCUMENT_NO_TEXT',
      'the document has no text (empty, or a PDF without a text layer)',
      {
        retriable: false,
      },
    );
  }
  return sections;
}

/**
 * The failed[] entry for a document's error, or a rethrow when it is not the document's fault;
 * its reason shown as an error message is (redacted, cut: shown-text.ts).
 */
function failure(error: unknown, source: string, signal: AbortSignal): FailedDocument {
  if (signal.aborted) throw signal.reason;
  if (isSedanoError(error) && error.retriable) throw error;
  const code: ErrorCode = isSedanoError(error) ? error.code : 'SEDANO_ERR_JOB_FAILED';
  return { source, code, reason: shownText(error instanceof Error ? error.message : String(error)) };
}
