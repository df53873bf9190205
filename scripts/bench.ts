/**
 * `npm run bench -- <name> [options]`: runs one benchmark against the environment's
 * infrastructure (the local stack by default) and prints its figures. Benchmarks assert
 * nothing about time.
 *
 *   noop   end-to-end no-op throughput and latency, sedano next to BullMQ on the same Redis
 *   api    GET /v1/jobs/:id requests per second and latency, next to a bare fastify hello-world
 *   recovery  how soon a SIGKILLed and restarted noop worker runs jobs again
 *   indexing  documents/s, pages/s and chunks/s of the indexing stage over a generated corpus, and its memory
 *   training  seconds, examples/s, peak RSS and validation accuracy of training on 2,000 and 20,000 examples, and a job end to end
 *   analysis  sentiment and financial extraction quality on the labelled set, and analysis pages/s on one worker
 *   export    reports/s and pages/s of the export stage's rendering, short and long reports, and its peak RSS
 */
import { ANALYSIS_SYNOPSIS, parseAnalysisOptions, runAnalysisBenchmark } from './bench/analysis.ts';
import { API_SYNOPSIS, parseApiOptions, runApiBenchmark } from './bench/api.ts';
import { EXPORT_SYNOPSIS, parseExportOptions, runExportBenchmark } from './bench/export.ts';
import { INDEXING_SYNOPSIS, parseIndexingOptions, runIndexingBenchmark } from './bench/indexing.ts';
import { NOOP_SYNOPSIS, parseNoopOptions, runNoopBenchmark } from './bench/noop.ts';
import { parseRecoveryOptions, RECOVERY_SYNOPSIS, runRecoveryBenchmark } from './bench/recovery.ts';
import { parseTrainingOptions, runTrainingBenchmark, TRAINING_SYNOPSIS } from './bench/training.ts';

/** Each benchmark reads its own options (throwing on a bad one) and gives back its run. */
const BENCHMARKS: Record<string, { synopsis: string; prepare: (args: readonly string[]) => () => Promise<number> }> = {
  noop: {
    synopsis: NOOP_SYNOPSIS,
    prepare(args) {
      const options = parseNoopOptions(args);
      return () => runNoopBenchmark(options);
    },
  },
  recovery: {
    synopsis: RECOVERY_SYNOPSIS,
    prepare(args) {
      const options = parseRecoveryOptions(args);
      return () => runRecoveryBenchmark(options);
    },
  },
  api: {
    synopsis: API_SYNOPSIS,
    prepare(args) {
      const options = parseApiOptions(args);
      return () => runApiBenchmark(options);
    },
  },
  indexing: {
    synopsis: INDEXING_SYNOPSIS,
    prepare(args) {
      const options = parseIndexingOptions(args);
      return () => runIndexingBenchmark(options);
    },
  },
  training: {
    synopsis: TRAINING_SYNOPSIS,
    prepare(args) {
      const options = parseTrainingOptions(args);
      return () => runTrainingBenchmark(options);
    },
  },
  analysis: {
    synopsis: ANALYSIS_SYNOPSIS,
    prepare(args) {
      const options = parseAnalysisOptions(args);
      return () => runAnalysisBenchmark(options);
    },
  },
  export: {
    synopsis: EXPORT_SYNOPSIS,
    prepare(args) {
      const options = parseExportOptions(args);
      return () => runExportBenchmark(options);
    },
  },
};

const usage = [
  'usage: npm run bench -- <name> [options]',
  ...Object.values(BENCHMARKS).map((b) => `       ${b.synopsis}`),
];
const [name, ...args] = process.argv.slice(2);
const benchmark = name === undefined ? undefined : BENCHMARKS[name];
if (!benchmark) {
  console.error([...(name === undefined ? [] : [`unknown benchmark "${name}"`]), ...usage].join('\n'));
  process.exit(2);
}
if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: ${benchmark.synopsis}`);
  process.exit(0);
}

let run: () => Promise<number>;
try {
  run = benchmark.prepare(args);
} catch (error) {
  console.error(`${(error as Error).message}\nusage: ${benchmark.synopsis}`);
  process.exit(2);
}
let code: number;
try {
  code = await run();
} catch (error) {
  console.error(`bench ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  code = 1;
}
// Kafka and Redis clients may keep sockets open a moment after closing: the figures are out.
process.exit(code);
