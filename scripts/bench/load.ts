/**
 * Drives a workload on a job system and records, per job, when it was submitted and when its
 * success became visible. The system under test only has to submit jobs and report successes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type JobTiming, type RoundTimings, type Summary, summarizeRounds } from './stats.ts';

/** A job system under test, already running. */
export interface BenchSystem {
  readonly name: string;
  /**
   * Submits `count` no-op jobs now, telling `recorder` about each (`submitted`) just before
   * it is sent, and `visible` whenever one is seen to succeed. Resolves once all are accepted.
   */
  submit(count: number, recorder: Recorder): Promise<void>;
}

export type Workload =
  | { kind: 'rate'; /** Jobs per second. */ rate: number; durationMs: number }
  | { kind: 'burst'; jobs: number; /** Bursts one after the other, summarized as one (stats.ts). */ rounds: number };

export function workloadLabel(workload: Workload): string {
  if (workload.kind === 'rate') return `${workload.rate}/s x ${workload.durationMs / 1000} s`;
  return workload.rounds === 1 ? `burst of ${workload.jobs}` : `${workload.rounds} bursts of ${workload.jobs}`;
}

/** Submission and success times of one workload's jobs (milliseconds, performance.now()). */
export class Recorder {
  readonly #submitted = new Map<string, number>();
  readonly #visible = new Map<string, number>();
  #firstSubmittedAt = Number.POSITIVE_INFINITY;
  #settled: (() => void) | undefined;
  #submitting = true;

  /** When the first job of this workload was submitted (infinity before any). */
  get firstSubmittedAt(): number {
    return this.#firstSubmittedAt;
  }

  submitted(jobIds: readonly string[], at: number): void {
    for (const jobId of jobIds) this.#submitted.set(jobId, at);
    this.#firstSubmittedAt = Math.min(this.#firstSubmittedAt, at);
  }

  /** Records the first time a job of this workload was seen to succeed; other jobs are ignored. */
  visible(jobId: string, at: number): void {
    if (!this.#submitted.has(jobId) || this.#visible.has(jobId)) return;
    this.#visible.set(jobId, at);
    this.#check();
  }

  /** True for a job of this workload not yet seen to succeed. */
  pending(jobId: string): boolean {
    return this.#submitted.has(jobId) && !this.#visible.has(jobId);
  }

  pendingIds(): string[] {
    return [...this.#submitted.keys()].filter((jobId) => !this.#visible.has(jobId));
  }

  /** Resolves once every submitted job was seen to succeed, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    this.#submitting = false;
    const done = new Promise<void>((resolve) => (this.#settled = resolve));
    this.#check();
    const timer = new AbortController();
    await Promise.race([done, sleep(timeoutMs, undefined, { signal: timer.signal }).catch(() => undefined)]);
    timer.abort();
  }

  /** What was measured: the timings of the jobs seen to succeed, out of those submitted. */
  measured(): RoundTimings {
    const timings: JobTiming[] = [...this.#visible].map(([jobId, visibleAt]) => ({
      submittedAt: this.#submitted.get(jobId)!,
      visibleAt,
    }));
    return { timings, submitted: this.#submitted.size, firstSubmittedAt: this.#firstSubmittedAt };
  }

  summary(): Summary {
    return summarizeRounds([this.measured()]);
  }

  #check(): void {
    if (!this.#submitting && this.#visible.size === this.#submitted.size) this.#settled?.();
  }
}

/** How often the rate driver wakes up to submit the jobs that fell due, in milliseconds. */
const TICK_MS = 5;

/**
 * Submits jobs at `rate` per second for `durationMs` (each tick submits what fell due since
 * the start, so the average rate holds even when timers run late), or all at once for a burst.
 */
export async function drive(system: BenchSystem, workload: Workload, recorder: Recorder): Promise<void> {
  if (workload.kind === 'burst') {
    await system.submit(workload.jobs, recorder);
    return;
  }
  const total = Math.round((workload.rate * workload.durationMs) / 1000);
  const started = performance.now();
  const sends: Promise<void>[] = [];
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((workload.rate * (performance.now() - started)) / 1000) + 1);
    if (due > sent) {
      sends.push(system.submit(due - sent, recorder));
      sent = due;
    }
    await sleep(TICK_MS);
  }
  await Promise.all(sends);
}

/**
 * Runs one workload and waits for its jobs (at most `timeoutMs` after the last submission); a
 * burst of several rounds runs them one after the other, each once the one before has settled.
 */
export async function measure(system: BenchSystem, workload: Workload, timeoutMs: number): Promise<Summary> {
  const rounds: RoundTimings[] = [];
  for (let round = 0; round < (workload.kind === 'burst' ? workload.rounds : 1); round++) {
    const recorder = new Recorder();
    await drive(system, workload, recorder);
    await recorder.settled(timeoutMs);
    rounds.push(recorder.measured());
  }
  return summarizeRounds(rounds);
}
