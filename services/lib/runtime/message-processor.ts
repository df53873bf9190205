/**
 * What a stage does with one delivered message before any job runs: decode it as the stage's
 * request (a poison message goes to the dead-letter topic), check that its header's job type
 * is the stage's (one that is not is dead-lettered as SEDANO_ERR_JOB_TYPE_MISMATCH: running it
 * as this stage's job would report a job of one type done by another stage). What is left is
 * one attempt of a job (job-runner.ts), which also skips a job the ledger says already ended:
 * it reads the ledger together with the job's revocation and purge mark, in one round trip.
 */
import type { JobHeader } from '../../../schemas/job-header.ts';
import { JOB_TYPES, STAGE_REQUEST_CONTRACTS } from '../../../topology/contracts.ts';
import type { Stage } from '../../../topology/stages.ts';
import { type Codec, PoisonMessageError } from '../codec.ts';
import type { DeadLetterWriter } from '../dead-letter.ts';
import type { IncomingMessage } from '../kafka.ts';
import type { Logger } from '../logger.ts';
import type { JobRunner } from './job-runner.ts';
import { FREE_SLOT, type Slot } from './keyed-scheduler.ts';

export interface MessageProcessorOptions<S extends Stage> {
  stage: S;
  codec: Codec;
  deadLetters: DeadLetterWriter;
  runner: Pick<JobRunner<S>, 'run' | 'skipped'>;
  logger: Logger;
}

/** Why a header does not belong on a stage's topics, or null when its job type is the stage's (pure). */
export function jobTypeMismatch(stage: Stage, header: Pick<JobHeader, 'jobType'>): string | null {
  const expected = JOB_TYPES[stage];
  return header.jobType === expected
    ? null
    : `the header's job type ${header.jobType} is not ${expected}, the job type of the ${stage} stage's topics`;
}

export class MessageProcessor<S extends Stage> {
  readonly #options: MessageProcessorOptions<S>;

  constructor(options: MessageProcessorOptions<S>) {
    this.#options = options;
  }

  /** Jobs skipped because they had already ended, since start. */
  get skipped(): number {
    return this.#options.runner.skipped;
  }

  /**
   * Processes one message; resolves true when it is done with (and may be committed). The job's
   * handler runs in `slot` (job-runner.ts); decoding and dead-lettering need none.
   */
  async process(message: IncomingMessage, slot: Slot = FREE_SLOT): Promise<boolean> {
    const { codec, stage } = this.#options;
    let decoded;
    try {
      decoded = await codec.fromMessage(STAGE_REQUEST_CONTRACTS[stage], message);
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      await this.#deadLetter(message, error.code, error.message, null);
      return true;
    }
    const { header } = decoded.record;
    const mismatch = jobTypeMismatch(stage, header);
    if (mismatch !== null) {
      await this.#deadLetter(message, 'SEDANO_ERR_JOB_TYPE_MISMATCH', mismatch, header.jobId);
      return true;
    }
    return this.#options.runner.run(message, decoded.record, decoded.traceContext, slot);
  }

  /**
   * Sends a message that can never run to the dead-letter topic. No status event: the job id
   * of a record that is not this stage's may be another stage's real job.
   */
  async #deadLetter(message: IncomingMessage, code: string, reason: string, jobId: string | null): Promise<void> {
    await this.#options.deadLetters.write({ message, errorCode: code, reason, attempts: 0, jobId });
    this.#options.logger.warn(
      { topic: message.topic, offset: message.offset, code, ...(jobId === null ? {} : { jobId }) },
      `dead-lettered: ${reason}`,
    );
  }
}
