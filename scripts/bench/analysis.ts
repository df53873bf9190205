/**
 * `npm run bench -- analysis`: the quality and speed of the analysis stage's core.
 *
 * Quality, on the labelled set written for it (test/fixtures/analysis/): sentiment accuracy
 * and macro-F1 per language (with @nlpjs/sentiment alone next to it, the base it improves
 * on), and financial extraction precision/recall/F1 per field. Speed, on a generated corpus
 * (analysis-corpus.ts), in this process, i.e. on one worker: documents/s and pages/s of each
 * analysis type, and the process's peak RSS.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { analyzeDocumentText, type AnalysisKind } from '../../services/analyzer/analyze-document.ts';
import { lexiconFor } from '../../services/analyzer/sentiment/lexicon.ts';
import type { Polarity } from '../../services/analyzer/sentiment/score-sentiment.ts';
import { generatedDocument } from './analysis-corpus.ts';
import {
  classificationFigures,
  financialFigures,
  lexiconPredictor,
  loadFinancialExamples,
  loadSentimentExamples,
} from './analysis-evaluation.ts';

export const ANALYSIS_SYNOPSIS = 'npm run bench -- analysis [--documents 40] [--pages 25]';

export interface AnalysisBenchOptions {
  documents: number;
  pages: number;
}

export function parseAnalysisOptions(args: readonly string[]): AnalysisBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: { documents: { type: 'string' }, pages: { type: 'string' } },
  });
  const whole = (name: 'documents' | 'pages', fallback: number) => {
    const text = values[name];
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`--${name}: expected a whole number of at least 1, got "${text}"`);
    return n;
  };
  return { documents: whole('documents', 40), pages: whole('pages', 25) };
}

const pct = (value: number) => value.toFixed(3);

/** @nlpjs/sentiment on its own (its vote), as the baseline. */
async function nlpjsPredictor(language: 'en' | 'it'): Promise<(text: string) => Promise<Polarity>> {
  const require = createRequire(import.meta.url);
  const { SentimentAnalyzer } = require('@nlpjs/sentiment') as {
    SentimentAnalyzer: new (settings: object) => { process(input: object): Promise<{ sentiment: { vote: string } }> };
  };
  const { Container } = require('@nlpjs/core') as { Container: new () => { use(plugin: unknown): void } };
  const container = new Container();
  container.use((require('@nlpjs/lang-en') as { LangEn: unknown }).LangEn);
  container.use((require('@nlpjs/lang-it') as { LangIt: unknown }).LangIt);
  const analyzer = new SentimentAnalyzer({ container });
  return async (text) => {
    const { vote } = (await analyzer.process({ locale: language, text })).sentiment;
    return vote === 'positive' ? 'POSITIVE' : vote === 'negative' ? 'NEGATIVE' : 'NEUTRAL';
  };
}

async function sentimentRows(): Promise<string[]> {
  const rows = [
    '| language | analyser | examples | accuracy | macro-F1 | accuracy on negation/contrast |',
    '|---|---|---|---|---|---|',
  ];
  for (const language of ['en', 'it'] as const) {
    const examples = loadSentimentExamples(language);
    const ours = classificationFigures(examples, lexiconPredictor(lexiconFor(language)));
    const predict = await nlpjsPredictor(language);
    const labels = new Map<string, Polarity>();
    for (const example of examples) labels.set(example.text, await predict(example.text));
    const base = classificationFigures(examples, (text) => labels.get(text) ?? 'NEUTRAL');
    for (const [name, f] of [
      ['sedano lexicon', ours],
      ['@nlpjs/sentiment alone', base],
    ] as const) {
      rows.push(
        `| ${language} | ${name} | ${f.examples} | ${pct(f.accuracy)} | ${pct(f.macroF1)} | ${pct(f.hardAccuracy)} |`,
      );
    }
  }
  return rows;
}

function financialRows(): string[] {
  const examples = loadFinancialExamples();
  const rows = [
    `| field (${examples.length} passages) | expected | found | precision | recall | F1 |`,
    '|---|---|---|---|---|---|',
  ];
  for (const f of financialFigures(examples)) {
    rows.push(`| ${f.field} | ${f.expected} | ${f.found} | ${pct(f.precision)} | ${pct(f.recall)} | ${pct(f.f1)} |`);
  }
  return rows;
}

function throughputRows(options: AnalysisBenchOptions): string[] {
  const corpus = Array.from({ length: options.documents }, (_, i) => generatedDocument(i, options.pages));
  const rows = ['| analysis | documents | pages | seconds | documents/s | pages/s |', '|---|---|---|---|---|---|'];
  // One warm-up document per type: lexicons, stopwords and eld's tables load on first use.
  for (const kind of ['FINANCIAL', 'SENTIMENT', 'COMPREHENSIVE'] as AnalysisKind[]) {
    analyzeDocumentText(generatedDocument(999, 1), kind, null);
    analyzeDocumentText(generatedDocument(1000, 1), kind, null);
    const started = performance.now();
    for (const document of corpus) analyzeDocumentText(document, kind, null);
    const seconds = (performance.now() - started) / 1000;
    const pages = options.documents * options.pages;
    rows.push(
      `| ${kind.toLowerCase()} | ${options.documents} | ${pages} | ${seconds.toFixed(2)} | ` +
        `${(options.documents / seconds).toFixed(1)} | ${(pages / seconds).toFixed(1)} |`,
    );
  }
  return rows;
}

/** Runs the bench and prints its three tables; returns the exit code. */
export async function runAnalysisBenchmark(options: AnalysisBenchOptions): Promise<number> {
  console.log('Sentiment (test/fixtures/analysis/sentiment-*.tsv)\n');
  console.log((await sentimentRows()).join('\n'));
  console.log('\nFinancial extraction (test/fixtures/analysis/financial.json)\n');
  console.log(financialRows().join('\n'));
  console.log(
    `\nThroughput on one worker (generated corpus, ${options.pages} pages of ~3,000 characters per document)\n`,
  );
  console.log(throughputRows(options).join('\n'));
  console.log(`\npeak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  return 0;
}
