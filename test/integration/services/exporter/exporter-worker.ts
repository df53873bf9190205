/**
 * An exporter worker process for the crash test, started and SIGKILLed by it: the real export
 * stage (worker threads) on a sandbox's topics. Its `extra` configuration is the threads'
 * settings (report directory, limits, status view namespace).
 */
import { createExporterStage } from '../../../../services/exporter/exporter-stage.ts';
import type { ExporterThreadSettings } from '../../../../services/exporter/settings.ts';
import { runStageWorkerProcess, stageWorkerConfig } from '../../../support/stage-worker-process.ts';

const config = stageWorkerConfig<ExporterThreadSettings>();
await runStageWorkerProcess(createExporterStage(config.extra, { concurrency: 1, progressIntervalMs: 50 }), config);
