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

/** This thread's CPU time (user and system, microseconds), since `previous` when given. */
const threadCpuUsage = (previous?: NodeJS.CpuUsage) => process.threadCpuUsage(previous);

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
    '| language | set | analyser | examples | accuracy | macro-F1 | accuracy on negation/contrast |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const language of ['en', 'it'] as const) {
    const predict = await nlpjsPredictor(language);
    // The development set (the lexicons were tuned on it) and the held-out one (never used to tune).
    for (const set of ['development', 'held out'] as const) {
      const examples = loadSentimentExamples(set === 'development' ? language : `${language}-holdout`);
      const ours = classificationFigures(examples, lexiconPredictor(lexiconFor(language)));
      const labels = new Map<string, Polarity>();
      for (const example of examples) labels.set(example.text, await predict(example.text));
      const base = classificationFigures(examples, (text) => labels.get(text) ?? 'NEUTRAL');
      for (const [name, f] of [
        ['sedano lexicon', ours],
        ['@nlpjs/sentiment alone', base],
      ] as const) {
        rows.push(
          `| ${language} | ${set} | ${name} | ${f.examples} | ${pct(f.accuracy)} | ${pct(f.macroF1)} | ${pct(f.hardAccuracy)} |`,
        );
      }
    }
  }
  return rows;
}

function financialRows(): string[] {
  const rows = [
    '| set | field | passages | expected | found | precision | recall | F1 |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const set of ['development', 'holdout'] as const) {
    const examples = loadFinancialExamples(set);
    for (const f of financialFigures(examples)) {
      rows.push(
        `| ${set === 'holdout' ? 'held out' : set} | ${f.field} | ${examples.length} | ${f.expected} | ${f.found} | ` +
          `${pct(f.precision)} | ${pct(f.recall)} | ${pct(f.f1)} |`,
      );
    }
  }
  return rows;
}

function throughputRows(options: AnalysisBenchOptions): string[] {
  const corpus = Array.from({ length: options.documents }, (_, i) => generatedDocument(i, options.pages));
  // Wall time and this thread's CPU time: on a shared machine the first moves with the load, the second much less.
  const rows = [
    '| analysis | documents | pages | seconds | documents/s | pages/s | CPU seconds | pages per CPU-second |',
    '|---|---|---|---|---|---|---|---|',
  ];
  // One warm-up document per type: lexicons, stopwords and eld's tables load on first use.
  for (const kind of ['FINANCIAL', 'SENTIMENT', 'COMPREHENSIVE'] as AnalysisKind[]) {
    analyzeDocumentText(generatedDocument(999, 1), kind, null);
    analyzeDocumentText(generatedDocument(1000, 1), kind, null);
    const started = performance.now();
    const cpuStarted = threadCpuUsage();
    for (const document of corpus) analyzeDocumentText(document, kind, null);
    const seconds = (performance.now() - started) / 1000;
    const cpu = threadCpuUsage(cpuStarted);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const pages = options.documents * options.pages;
    rows.push(
      `| ${kind.toLowerCase()} | ${options.documents} | ${pages} | ${seconds.toFixed(2)} | ` +
        `${(options.documents / seconds).toFixed(1)} | ${(pages / seconds).toFixed(1)} | ` +
        `${cpuSeconds.toFixed(2)} | ${(pages / cpuSeconds).toFixed(1)} |`,
    );
  }
  return rows;
}

/** Runs the bench and prints its three tables; returns the exit code. */
export async function runAnalysisBenchmark(options: AnalysisBenchOptions): Promise<number> {
  console.log('Sentiment (test/fixtures/analysis/sentiment-*.tsv)\n');
  console.log((await sentimentRows()).join('\n'));
  console.log('\nFinancial extraction (test/fixtures/analysis/financial*.json)\n');
  console.log(financialRows().join('\n'));
  console.log(
    `\nThroughput on one worker (generated corpus, ${options.pages} pages of ~3,000 characters per document)\n`,
  );
  console.log(throughputRows(options).join('\n'));
  console.log(`\npeak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  return 0;
}
