/**
 * The exporter worker (`npm run exporter`): the export stage, rendering PDF reports in worker
 * threads into the export storage. Settings: services/exporter/settings.ts.
 */
import { runService } from '../lib/service-kit.ts';
import { createExporterStage } from './exporter-stage.ts';
import { exporterSettings, exporterThreadSettings } from './settings.ts';

await runService(
  {
    name: 'export',
    settings: exporterSettings,
    async start(kit) {
      await kit.startStage(
        createExporterStage(exporterThreadSettings(kit.settings), { concurrency: kit.settings.concurrency }),
      );
    },
  },
  process.env,
);
