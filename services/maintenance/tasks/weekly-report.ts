/**
 * The weekly report task: the figures of the week before the slot, computed from the status
 * topic (not the view, whose results expire) and the dead-letter topic, submitted as an export
 * job with the `default` template. The export job's idempotency key is the slot's, so a
 * repeated run submits the same job; its id is in the result's summary.
 */
import { deadLetterRecordContract } from '../../../schemas/dead-letter-record.ts';
import type { ExportReportRequest } from '../../../schemas/export-report-request.ts';
import type { Codec } from '../../lib/codec.ts';
import type { KafkaAdmin, KafkaClient } from '../../lib/kafka.ts';
import { outcomeOf, type TaskRunner } from '../maintenance-task.ts';
import { exportStatusEvents } from './status-export.ts';
import { readTopicToEnd } from './topic-reader.ts';
import { weeklyReportSections, weeklyStats } from './weekly-stats.ts';

/** Submits the report's export job; resolves with its job id (e.g. through the job client). */
export type SubmitExport = (payload: Omit<ExportReportRequest, 'header'>, idempotencyKey: string) => Promise<string>;

export interface WeeklyReportOptions {
  kafka: KafkaClient;
  admin: KafkaAdmin;
  codec: Codec;
  statusTopic: string;
  deadLetterTopic: string;
  /** A throwaway reader group's name (`TopologyNames.readerGroup`: under a prefix the cache cleanup knows). */
  readerGroup: (purpose: string, runId: string) => string;
  submitExport: SubmitExport;
  /** Length of the reported period before the slot, in ms. @default 7 days */
  periodMs?: number;
}

export function createWeeklyReport(options: WeeklyReportOptions): TaskRunner {
  return async ({ request, progress }) => {
    const window = { startMs: request.slotTime - (options.periodMs ?? 7 * 86_400_000), endMs: request.slotTime };
    const reader = (what: string) => options.readerGroup(`weekly-report-${what}`, crypto.randomUUID().slice(0, 8));
    progress(0, 3, 'reading the status topic');
    const events = await exportStatusEvents({ ...options, groupId: reader('status') });
    progress(1, 3, 'reading the dead letters');
    const deadLetters: { errorCode: string; failedAt: number }[] = [];
    await readTopicToEnd({
      ...options,
      topic: options.deadLetterTopic,
      groupId: reader('dead-letters'),
      handle: async (message) => {
        const { record } = await options.codec.decode(deadLetterRecordContract, message.value);
        deadLetters.push({ errorCode: record.errorCode, failedAt: record.failedAt });
      },
    });
    const stats = weeklyStats(events, deadLetters, window);
    progress(2, 3, 'submitting the export job');
    const from = new Date(window.startMs).toISOString().slice(0, 10);
    const jobId = await options.submitExport(
      {
        template: 'DEFAULT',
        title: `sedano weekly report, ${from} to ${new Date(window.endMs - 1).toISOString().slice(0, 10)}`,
        sections: weeklyReportSections(stats),
        analysisJobId: null,
      },
      `weekly-report:${request.idempotencyKey}`,
    );
    progress(3, 3, 'done');
    const counts = {
      jobs: stats.jobs,
      failures: stats.topFailures.reduce((sum, failure) => sum + failure.count, 0),
      deadLetters: stats.deadLetters.reduce((sum, letter) => sum + letter.count, 0),
      reports: 1,
    };
    return outcomeOf(
      `weekly report job ${jobId}: ${counts.jobs} jobs, ${counts.failures} failures, ${counts.deadLetters} dead letters`,
      counts,
      ['reports'],
    );
  };
}
