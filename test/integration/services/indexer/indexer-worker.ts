/**
 * An indexer worker process for the crash test, started and SIGKILLed by it: the real indexing
 * stage (worker threads) on a sandbox's topics. Its `extra` configuration is the threads'
 * settings (document roots, data directory, embedder, cache namespace).
 */
import { createIndexerStage } from '../../../../services/indexer/indexer-stage.ts';
import type { IndexerThreadSettings } from '../../../../services/indexer/settings.ts';
import { runStageWorkerProcess, stageWorkerConfig } from '../../../support/stage-worker-process.ts';

const config = stageWorkerConfig<IndexerThreadSettings>();
await runStageWorkerProcess(createIndexerStage(config.extra, { concurrency: 2, progressIntervalMs: 50 }), config);
