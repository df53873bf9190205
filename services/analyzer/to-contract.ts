/** The analysis of one document as the DocumentAnalysis contract carries it (pure). */
import type { DocumentAnalysis } from '../../schemas/document-analysis.ts';
import type { FinancialAnalysis } from '../../schemas/financial-analysis.ts';
import type { SentimentAnalysis } from '../../schemas/sentiment-analysis.ts';
import type { TextStatistics } from '../../schemas/text-statistics.ts';
import type { DocumentFindings } from './analyze-document.ts';
import type { FinancialSummary } from './financial/analyze-financial.ts';
import type { SentimentSummary } from './sentiment/analyze-sentiment.ts';

export function documentAnalysisOf(documentId: string, source: string, findings: DocumentFindings): DocumentAnalysis {
  return {
    documentId,
    source,
    language: findings.language,
    languages: findings.languages,
    financial: findings.financial === null ? null : financialOf(findings.financial),
    sentiment: findings.sentiment === null ? null : sentimentOf(findings.sentiment),
    statistics:
      findings.statistics === null ? null : ({ ...findings.statistics, entitiesOmitted: 0 } satisfies TextStatistics),
  };
}

function financialOf(summary: FinancialSummary): FinancialAnalysis {
  return {
    amounts: summary.amounts,
    amountsOmitted: 0,
    percentages: summary.percentages,
    percentagesOmitted: 0,
    periods: summary.periods,
    metrics: summary.metrics,
    metricsOmitted: 0,
    numberFormat: summary.numberFormat,
  };
}

export function sentimentOf(summary: SentimentSummary): SentimentAnalysis {
  return {
    label: summary.label,
    score: summary.score,
    confidence: summary.confidence,
    supported: summary.supported,
    method: summary.method,
    sentences: summary.sentences,
    sentencesOmitted: 0,
    probabilities: summary.probabilities,
  };
}
