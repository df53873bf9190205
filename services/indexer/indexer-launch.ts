/**
 * How the indexer worker's process is started, wherever it is (package.json's `indexer` script,
 * docker-compose's `indexer` service, `npm run ctl -- up` and the indexing benchmark): memory
 * settings a process cannot change once it runs, each measured with `npm run bench -- indexing`
 * (4 threads, README "Benchmark").
 *
 * - `--max-semi-space-size=4`: the main thread's V8 young generation stays at 8 MiB. Left to
 *   V8, it grows to 64 MiB at start-up and 128 MiB under the stage's load (Kafka, the vector
 *   store's writes, the records the threads send over), every page of it resident: about
 *   100 MiB of the peak, for no measurable gain in documents/s. V8 reads it only when the
 *   isolate is created; the worker threads get theirs from the stage's `maxYoungGenerationMb`.
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates (4 worker threads compiling
 *   and parsing, LanceDB's and libuv's threads) a malloc arena of its own, and memory freed in
 *   one is seldom returned to the system; two arenas shared by all cut about 45 MiB of the peak.
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
