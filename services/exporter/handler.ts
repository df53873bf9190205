/**
 * The export stage's thread handler: the module the stage's worker threads load. Its
 * `createHandler` gets the stage's resolved settings (`ExporterThreadSettings`, the stage's
 * `handlerData`) and builds the thread's collaborators on the first job (the report storage,
 * the limits, and a status view to read analysis results, on a Redis connection opened when
 * first used), keeping them for every later job. Layout and drawing are synchronous CPU work:
 * here they never hold the event loop that heartbeats to Kafka. The work itself is
 * exportReport.
 */
import { Redis } from 'ioredis';
import { redisKeys } from '../../topology/redis-keys.ts';
import type { Logger } from '../lib/logger.ts';
import type { StageHandler } from '../lib/runtime/stage.ts';
import { createStatusView } from '../lib/status-view.ts';
import { type ExportReportDependencies, exportReport } from './export-report.ts';
import { jobResultReader } from './job-result-reader.ts';
import type { ExporterThreadSettings } from './settings.ts';
import { createLocalDirectoryStorage } from './storage/local-directory-storage.ts';

function buildDependencies(settings: ExporterThreadSettings, logger: Logger): ExportReportDependencies {
  // Connected on the first analysis lookup: most exports never read the view.
  const redis = new Redis(settings.redisUrl, { lazyConnect: true });
  // The lookups that need Redis fail the attempt (which is retried); the event is only logged.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'status view: redis connection error'));
  return {
    storage: createLocalDirectoryStorage(settings.exportDir),
    limits: settings.limits,
    readJobResult: jobResultReader(createStatusView({ redis, keys: redisKeys(settings.namespace).status })),
  };
}

/** The thread's handler; its collaborators are built on the first job. */
export function createHandler(settings: ExporterThreadSettings): StageHandler<'export'> {
  let dependencies: ExportReportDependencies | undefined;
  return async ({ job, jobId, signal, progress, logger }) => {
    dependencies ??= buildDependencies(settings, logger);
    const result = await exportReport(jobId, job, dependencies, { signal, progress });
    return { 'sedano.ExportResult': result };
  };
}
