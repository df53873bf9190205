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
interface Benchmark {
  synopsis: string;
  /** Reads the benchmark's options (throwing on a bad one) and gives back its run. */
  prepare: (args: readonly string[]) => () => Promise<number>;
}

/**
 * Each benchmark's module, imported only when that benchmark runs. Imported together they load
 * TensorFlow, the analysers' tables, PDF rendering and exceljs: 125 MiB of heap after a full
 * collection instead of the noop benchmark's own 30, which the process would carry (and its
 * garbage collector mark) while it measures, the noop burst included.
 */
const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  async noop() {
    const { NOOP_SYNOPSIS, parseNoopOptions, runNoopBenchmark } = await import('./bench/noop.ts');
    return { synopsis: NOOP_SYNOPSIS, prepare: (args) => runWith(parseNoopOptions(args), runNoopBenchmark) };
  },
  async recovery() {
    const { RECOVERY_SYNOPSIS, parseRecoveryOptions, runRecoveryBenchmark } = await import('./bench/recovery.ts');
    return {
      synopsis: RECOVERY_SYNOPSIS,
      prepare: (args) => runWith(parseRecoveryOptions(args), runRecoveryBenchmark),
    };
  },
  async api() {
    const { API_SYNOPSIS, parseApiOptions, runApiBenchmark } = await import('./bench/api.ts');
    return { synopsis: API_SYNOPSIS, prepare: (args) => runWith(parseApiOptions(args), runApiBenchmark) };
  },
  async indexing() {
    const { INDEXING_SYNOPSIS, parseIndexingOptions, runIndexingBenchmark } = await import('./bench/indexing.ts');
    return {
      synopsis: INDEXING_SYNOPSIS,
      prepare: (args) => runWith(parseIndexingOptions(args), runIndexingBenchmark),
    };
  },
  async training() {
    const { TRAINING_SYNOPSIS, parseTrainingOptions, runTrainingBenchmark } = await import('./bench/training.ts');
    return {
      synopsis: TRAINING_SYNOPSIS,
      prepare: (args) => runWith(parseTrainingOptions(args), runTrainingBenchmark),
    };
  },
  async analysis() {
    const { ANALYSIS_SYNOPSIS, parseAnalysisOptions, runAnalysisBenchmark } = await import('./bench/analysis.ts');
    return {
      synopsis: ANALYSIS_SYNOPSIS,
      prepare: (args) => runWith(parseAnalysisOptions(args), runAnalysisBenchmark),
    };
  },
  async export() {
    const { EXPORT_SYNOPSIS, parseExportOptions, runExportBenchmark } = await import('./bench/export.ts');
    return { synopsis: EXPORT_SYNOPSIS, prepare: (args) => runWith(parseExportOptions(args), runExportBenchmark) };
  },
};

/** A run of `benchmark` with options already read. */
function runWith<O>(options: O, benchmark: (options: O) => Promise<number>): () => Promise<number> {
  return () => benchmark(options);
}

/** Every benchmark's synopsis (imports them all: only for a command line that names none). */
async function usage(): Promise<string[]> {
  const all = await Promise.all(Object.values(BENCHMARKS).map((load) => load()));
  return ['usage: npm run bench -- <name> [options]', ...all.map((b) => `       ${b.synopsis}`)];
}

const [name, ...args] = process.argv.slice(2);
const load = name === undefined || !Object.hasOwn(BENCHMARKS, name) ? undefined : BENCHMARKS[name];
if (!load) {
  console.error([...(name === undefined ? [] : [`unknown benchmark "${name}"`]), ...(await usage())].join('\n'));
  process.exit(2);
}
const benchmark = await load();
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
