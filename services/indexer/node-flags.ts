/**
 * The Node.js flags the indexer worker is started with (package.json's `indexer` script,
 * docker-compose's `indexer` command, `npm run ctl -- up` and the indexing benchmark).
 *
 * `--max-semi-space-size=4`: the main thread's V8 young generation stays at 8 MiB. Left to
 * V8, it grows to 64 MiB at start-up and 128 MiB under the stage's load (Kafka, the vector
 * store's writes, the records and vectors the threads send over), and every page of it becomes
 * resident: about 100 MiB of the worker's peak RSS with 4 threads, for no measurable gain in
 * documents/s. V8 reads it only when the isolate is created, so it cannot be set from main.ts;
 * the worker threads get theirs from the stage's `maxYoungGenerationMb`.
 */
export const INDEXER_NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=4']);
