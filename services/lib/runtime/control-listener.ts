/**
 * Every worker reads every control command (a group of its own, from the start of the
 * topic's short retention, so a worker started after a revoke still learns of it):
 * REVOKE is remembered in Redis and aborts the job if it runs here; PAUSE_STAGE and
 * RESUME_STAGE stop and restart fetching for the named stage (those issued before the pause
 * record the worker started from are skipped: services/lib/stage-controls.ts); PING asks the
 * worker (every worker, or those of the stage it names) to answer: the runtime records a pong
 * in Redis. A PING older than PING_MAX_AGE_MS is not answered.
 */
import { controlCommandContract, type ControlCommand } from '../../../schemas/control-command.ts';
import type { Codec } from '../codec.ts';
import type { KafkaConsumer } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import type { Revocations } from './revocations.ts';

export interface ControlListenerOptions {
  consumer: KafkaConsumer;
  codec: Codec;
  controlTopic: string;
  revocations: Revocations;
  logger: Logger;
  /** The stage this worker runs, as control commands name it (e.g. `noop`). */
  stage: string;
  onRevoke: (jobId: string, reason: string) => void;
  onPause: (paused: boolean) => void;
  /**
   * When the stage's pause record the worker started from was issued (ms since the epoch):
   * PAUSE_STAGE and RESUME_STAGE issued before it are states that record replaced, skipped.
   */
  pauseCommandsFrom?: number;
  /** Called for each recent PING (see PING_MAX_AGE_MS); the worker answers it. */
  onPing?: (command: ControlCommand) => void;
  /** Clock, ms since the epoch (default Date.now). */
  now?: () => number;
}

/**
 * A PING issued longer ago than this is not answered: the listener replays the control topic
 * from its start when a worker boots, and nobody waits for the answers to old pings any more.
 */
export const PING_MAX_AGE_MS = 30_000;

/** Applies one command (pure apart from the callbacks and Redis). */
export async function applyControlCommand(command: ControlCommand, options: ControlListenerOptions): Promise<void> {
  const reason = command.reason ?? `revoked by ${command.requester}`;
  switch (command.command) {
    case 'REVOKE':
      if (command.jobId === null) return;
      await options.revocations.revoke(command.jobId, reason);
      options.onRevoke(command.jobId, reason);
      return;
    case 'PAUSE_STAGE':
    case 'RESUME_STAGE': {
      const current = command.issuedAt >= (options.pauseCommandsFrom ?? -Infinity);
      if (current && command.stage?.toLowerCase() === options.stage) options.onPause(command.command === 'PAUSE_STAGE');
      return;
    }
    case 'PING': {
      const recent = (options.now ?? Date.now)() - command.issuedAt <= PING_MAX_AGE_MS;
      // A PING naming a stage asks only that stage's workers; one without asks every worker.
      const addressed = command.stage === null || command.stage.toLowerCase() === options.stage;
      if (recent && addressed) options.onPing?.(command);
      return;
    }
  }
}

export async function startControlListener(options: ControlListenerOptions): Promise<{ close(): Promise<void> }> {
  const { consumer, codec, controlTopic, logger } = options;
  await consumer.consume({
    topics: [controlTopic],
    fromBeginning: true,
    handle: async (message) => {
      try {
        const { record } = await codec.decode(controlCommandContract, message.value);
        await applyControlCommand(record, options);
      } catch (error) {
        // A bad command must not stop the worker; the control topic is not a job topic.
        logger.warn({ err: error, offset: message.offset }, 'control command ignored');
      }
    },
  });
  return { close: () => consumer.close() };
}
