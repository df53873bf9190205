/**
 * How the indexer worker's process is started, wherever it is (package.json's `indexer` script,
 * docker-compose's `indexer` service, `npm run ctl -- up` and the indexing benchmark): memory
 * settings a process cannot change once it runs, each measured with `npm run bench -- indexing`
 * (4 threads, README "Benchmark").
 *
 * - `--max-semi-space-size=4`: the main thread's V8 young generation stays at 8 MiB. Left to
 *   V8, it grows to 64 MiB at start-up and 128 MiB under the stage's load (Kafka, the vector
 *   store's writes, the records the threads send over), every page of it resident: without it
 *   the peak is 549-557 MiB against 476-492 (three alternated runs, 8 PDFs + 8 DOCX + 8 XLSX),
 *   for no measurable gain in CPU time (2.58-2.83 s against 2.27-2.82 s on DOCX+XLSX). A V8
 *   flag holds for every isolate of the process and wins over a worker's `resourceLimits`: the
 *   stage's threads get this young generation too, whatever their `maxYoungGenerationMb` says
 *   (a worker asking for 32 MiB gets 8 under it, measured).
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates (4 worker threads compiling
 *   and parsing, LanceDB's and libuv's threads) a malloc arena of its own, and memory freed in
 *   one is seldom returned to the system; two arenas shared by all cut about 45 MiB of the peak.
 *   Without it the worker spends no less CPU on DOCX+XLSX (5.03-5.56 s against 4.60-5.61 s for
 *   16 + 16 documents): the arenas' locks are not what costs documents/s. `MALLOC_ARENA_MAX=1`,
 *   `MALLOC_MMAP_THRESHOLD_=262144` or `MALLOC_TRIM_THRESHOLD_=65536` on top change neither the
 *   peak nor the CPU time measurably (two runs each, within ±15 MiB).
 */
export interface IndexerLaunch {
  /** Node.js flags before the entry point. */
  nodeFlags: readonly string[];
  /** Environment variables added to the process's own. */
  environment: Readonly<Record<string, string>>;
}

export const INDEXER_LAUNCH: IndexerLaunch = Object.freeze({
  nodeFlags: Object.freeze(['--max-semi-space-size=4']),
  environment: Object.freeze({ MALLOC_ARENA_MAX: '2' }),
});
