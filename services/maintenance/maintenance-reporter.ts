/**
 * The status events of one maintenance run: STARTED, PROGRESS (at most one per interval, the
 * latest kept), then SUCCESS with its MaintenanceResult, FAILURE, or REVOKED. Produced one after another,
 * with sequence numbers that are microseconds since the epoch (above the scheduler's PENDING, 0).
 */
import type { JobError } from '../../schemas/job-error.ts';
import type { JobState } from '../../schemas/job-state.ts';
import type { JobStatusEvent } from '../../schemas/job-status-event.ts';
import type { MaintenanceRequest } from '../../schemas/maintenance-request.ts';
import type { MaintenanceResult } from '../../schemas/maintenance-result.ts';
import type { Codec, SubjectBinding } from '../lib/codec.ts';
import type { KafkaProducer } from '../lib/kafka.ts';
import { payloadPreview } from '../lib/payload-preview.ts';
import { type RevocationCode, revocationError } from '../lib/runtime/expiry.ts';

export interface MaintenanceReporter {
  started(): Promise<void>;
  /** A property, not a method: tasks receive it detached from the reporter. */
  progress: (current: number, total: number, message: string) => void;
  succeeded(result: MaintenanceResult): Promise<void>;
  failed(error: JobError): Promise<void>;
  /** The run was revoked (before it started, or while it ran), or expired: REVOKED with the reason. */
  revoked(reason: string, code?: RevocationCode): Promise<void>;
}

export interface MaintenanceReporterOptions {
  producer: KafkaProducer;
  codec: Codec;
  statusBinding: SubjectBinding<JobStatusEvent>;
  statusTopic: string;
  request: MaintenanceRequest;
  workerId: string;
  progressIntervalMs: number;
  onProgressError: (error: unknown) => void;
  now?: () => number;
}

let lastSequence = 0;
function nextSequence(now: number): number {
  lastSequence = Math.max(lastSequence + 1, now * 1000);
  return lastSequence;
}

export function createMaintenanceReporter(options: MaintenanceReporterOptions): MaintenanceReporter {
  const { producer, codec, statusBinding, statusTopic, request, workerId, progressIntervalMs } = options;
  const now = options.now ?? Date.now;
  const preview = payloadPreview(request);
  // Set by STARTED: a run revoked before it started has no start (as the stage runtime's reporter).
  let startedAt: number | null = null;
  let chain: Promise<void> = Promise.resolve();
  let lastProgressAt = 0;

  function emit(state: JobState, fields: Partial<JobStatusEvent>): Promise<void> {
    const at = now();
    const event: JobStatusEvent = {
      jobId: request.jobId,
      jobType: 'MAINTENANCE',
      stage: 'MAINTENANCE',
      state,
      sequence: nextSequence(at),
      attempt: 1,
      progress: null,
      result: null,
      error: null,
      occurredAt: at,
      submittedAt: request.requestedAt,
      startedAt,
      finishedAt: null,
      nextAttemptAt: null,
      batchId: null,
      parentJobId: null,
      workerId,
      traceId: null,
      expiresAt: request.expiresAt,
      payloadPreview: preview,
      ...fields,
    };
    chain = chain.then(async () =>
      producer.send(statusTopic, [await codec.toMessage(statusBinding, request.jobId, event)]),
    );
    return chain;
  }

  return {
    started: () => {
      startedAt = now();
      return emit('STARTED', {});
    },
    progress: (current, total, message) => {
      if (now() - lastProgressAt < progressIntervalMs) return;
      lastProgressAt = now();
      const percent = total > 0 ? Math.round(Math.min(100, (current / total) * 100) * 100) / 100 : 0;
      emit('PROGRESS', { progress: { current, total, percent, message, details: null } }).catch(
        options.onProgressError,
      );
    },
    succeeded: (result) => emit('SUCCESS', { result: { 'sedano.MaintenanceResult': result }, finishedAt: now() }),
    failed: (error) => emit('FAILURE', { error, finishedAt: now() }),
    revoked: (reason, code) => emit('REVOKED', { error: revocationError(reason, code), finishedAt: now() }),
  };
}
