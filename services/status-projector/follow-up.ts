/**
 * Submits a batch's follow-up job once, when the status projector sees that it is due
 * (follow-up-decision.ts): produces the request the declaration carries to its lane topic,
 * then its PENDING event to the status topic.
 *
 * Exactly once, as far as the view can tell:
 * - The follow-up's PENDING, read back from the status topic into the view, is the durable
 *   sign that it was submitted; a check that finds the job in the view does nothing.
 * - Between the produce and that read-back, and against two projectors (or the status and
 *   declaration consumers of one) deciding at the same moment, a Redis marker is claimed with
 *   SET NX and a lease before producing, and marked submitted afterwards. A check that meets a
 *   live claim waits for it to turn into `submitted` or to run out.
 * - A crash after the produce and before the marker says `submitted` lets the lease run out,
 *   and the redelivered status event or declaration submits the follow-up again. That duplicate
 *   is absorbed downstream: the same job id is the same key, so the same partition, after the
 *   first; the stage runtime's job ledger skips a job that already ended, its keyed scheduler
 *   never runs one key twice at once, and a second PENDING (sequence 0) is stale in the view
 *   once the job has moved on.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FollowUpJob } from '../../schemas/follow-up-job.ts';
import type { KafkaProducer } from '../lib/kafka.ts';
import type { Logger } from '../lib/logger.ts';
import type { StatusView } from '../lib/status-view.ts';
import { decideFollowUp, type FollowUpDecision } from './follow-up-decision.ts';

/** How often a check that met another's claim looks again, in milliseconds. */
const CLAIM_POLL_MS = 100;

export interface FollowUpSubmitterOptions {
  view: StatusView;
  producer: KafkaProducer;
  /** The status topic the follow-up's PENDING goes to: the one the projector reads. */
  statusTopic: string;
  logger: Logger;
  /**
   * How long a claim holds before another check may take it over, in milliseconds (default
   * 10 000): longer than producing two records takes, shorter than a consumer's session timeout,
   * since a check that meets a claim waits for it.
   */
  claimLeaseMs?: number;
}

/** What a check did: `submitted` (this check produced it) or why it did not. */
export type FollowUpOutcome = 'submitted' | Extract<FollowUpDecision, { fire: false }>['reason'];

export interface FollowUpSubmitter {
  /** Submits the batch's follow-up if it is due and nobody did; resolves with what it found. */
  check(batchId: string): Promise<FollowUpOutcome>;
  /** Follow-ups this submitter produced. */
  submitted(): number;
}

export function createFollowUpSubmitter(options: FollowUpSubmitterOptions): FollowUpSubmitter {
  const { view, producer, statusTopic, logger, claimLeaseMs = 10_000 } = options;
  let submitted = 0;

  async function decide(batchId: string): Promise<FollowUpDecision> {
    const [declaration, counts] = await Promise.all([view.batchDeclaration(batchId), view.batchCounts(batchId)]);
    const followUpJobId = declaration?.followUp?.jobId;
    const alreadySubmitted = followUpJobId !== undefined && (await view.get(followUpJobId)) !== undefined;
    return decideFollowUp({ declaration, counts, alreadySubmitted });
  }

  async function produce(batchId: string, followUp: FollowUpJob, token: string): Promise<void> {
    // The job client writes no header without a value; Kafka headers here are bytes only.
    const headers = Object.fromEntries(
      followUp.requestHeaders.flatMap(({ key, value }) => (value === null ? [] : [[key, value]])),
    );
    try {
      // The request first, as the job client does: a PENDING without its request never runs.
      await producer.send(followUp.topic, [{ key: followUp.jobId, value: followUp.request, headers }]);
      await producer.send(statusTopic, [{ key: followUp.jobId, value: followUp.pending }]);
    } catch (error) {
      // Nothing (or only the request) went out: the retried message may claim it at once.
      await view.releaseFollowUp(batchId, token).catch((releaseError: unknown) => {
        logger.warn({ err: releaseError, batchId }, 'releasing the follow-up claim failed; it runs out by itself');
      });
      throw error;
    }
    await view.confirmFollowUp(batchId);
    submitted += 1;
    logger.info({ batchId, jobId: followUp.jobId, topic: followUp.topic }, 'batch follow-up submitted');
  }

  async function check(batchId: string): Promise<FollowUpOutcome> {
    // A claim runs out within its lease, so waiting a little longer always ends.
    const deadline = performance.now() + claimLeaseMs + 1_000;
    for (;;) {
      const decision = await decide(batchId);
      if (!decision.fire) return decision.reason;
      const token = randomUUID();
      const claim = await view.claimFollowUp(batchId, token, claimLeaseMs);
      if (claim === 'submitted') return 'already-submitted';
      if (claim === 'claimed') {
        await produce(batchId, decision.followUp, token);
        return 'submitted';
      }
      if (performance.now() > deadline) {
        throw new Error(`batch ${batchId}: another claim on its follow-up held past ${claimLeaseMs} ms`);
      }
      await sleep(CLAIM_POLL_MS);
    }
  }

  return { check, submitted: () => submitted };
}
