/**
 * Samples how far a stage's group is behind on each of its lanes (end offsets minus the group's
 * committed offsets, lag.ts), now and then every `intervalMs`, for the worker's lag gauge. Every
 * worker of a stage reports the same group's lag; Prometheus queries take the max per stage.
 */
import type { KafkaAdmin } from '../kafka.ts';
import { topicLag } from '../lag.ts';
import type { Logger } from '../logger.ts';

export interface LagSamplerOptions {
  admin: Pick<KafkaAdmin, 'fetchTopicOffsets' | 'fetchGroupOffsets' | 'close'>;
  groupId: string;
  lanes: readonly string[];
  intervalMs: number;
  report: (topic: string, messages: number) => void;
  logger: Logger;
}

export interface LagSampler {
  /** Stops sampling and closes the admin client. */
  close(): Promise<void>;
}

export function startLagSampler(options: LagSamplerOptions): LagSampler {
  const { admin, groupId, lanes, intervalMs, report, logger } = options;
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    try {
      const committed = await admin.fetchGroupOffsets(groupId, lanes);
      for (const topic of lanes) report(topic, topicLag(topic, await admin.fetchTopicOffsets(topic), committed));
    } catch (error) {
      // A gauge a little stale is better than a worker that stops over its metrics.
      logger.debug({ err: error }, 'lag not sampled');
    }
  };
  sampling = sample();
  const timer = setInterval(() => {
    sampling = sampling.then(sample);
  }, intervalMs).unref();
  return {
    async close() {
      clearInterval(timer);
      await sampling;
      await admin.close();
    },
  };
}
