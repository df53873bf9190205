/**
 * The export stage's thread handler: the module the stage's worker threads load (its
 * `handler` export). Each thread builds its collaborators on its first job (the report
 * storage, the limits, and a status view to read analysis results, on a Redis connection
 * opened when first used) from the settings in its copy of the environment, and keeps them
 * for every later job. Layout and drawing are synchronous CPU work: here they never hold the
 * event loop that heartbeats to Kafka. The work itself is exportReport.
 */
import { Redis } from 'ioredis';
import { resolveEndpoints } from '../lib/endpoints.ts';
import { createLogger } from '../lib/logger.ts';
import type { StageHandler } from '../lib/runtime/stage.ts';
import { createStatusView } from '../lib/status-view.ts';
import { type ExportReportDependencies, exportReport } from './export-report.ts';
import { resolveExporterSettings } from './exporter-settings.ts';
import { jobResultReader } from './job-result-reader.ts';
import { createLocalDirectoryStorage } from './storage/local-directory-storage.ts';

const logger = createLogger('sedano-export');
let dependencies: ExportReportDependencies | undefined;

function buildDependencies(): ExportReportDependencies {
  const settings = resolveExporterSettings(process.env);
  // Connected on the first analysis lookup: most exports never read the view.
  const redis = new Redis(resolveEndpoints(process.env).redisUrl, { lazyConnect: true });
  // The lookups that need Redis fail the attempt (which is retried); the event is only logged.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'status view: redis connection error'));
  return {
    storage: createLocalDirectoryStorage(settings.options.exportDir),
    limits: settings.options.limits,
    readJobResult: jobResultReader(createStatusView({ redis, namespace: settings.statusViewNamespace })),
  };
}

export const handler: StageHandler<'export'> = async ({ job, jobId, signal, progress }) => {
  dependencies ??= buildDependencies();
  const result = await exportReport(jobId, job, dependencies, { signal, progress });
  return { 'sedano.ExportResult': result };
};
