/**
 * Figures of one workload on one system from its raw timings (pure): throughput and latency
 * percentiles. Times are milliseconds on one clock (performance.now() of the bench process).
 */

/** When one job was submitted and when its success became visible, in milliseconds. */
export interface JobTiming {
  submittedAt: number;
  visibleAt: number;
}

export interface Summary {
  /** Jobs submitted. */
  submitted: number;
  /** Jobs seen to succeed before the workload's deadline. */
  completed: number;
  /** From the first submission to the last success seen, in milliseconds (summed over rounds). */
  durationMs: number;
  /** `completed` / `durationMs`, in jobs per second. */
  throughputPerSecond: number;
  /** Each round's own throughput, in jobs per second (one entry for a workload run once). */
  roundThroughputs: number[];
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** The nearest-rank percentile `p` (0 to 100) of ascending `sorted`; NaN when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** One measured run of a workload: its jobs' timings, how many it submitted, and when the first was. */
export interface RoundTimings {
  timings: readonly JobTiming[];
  submitted: number;
  firstSubmittedAt: number;
}

/**
 * Summarizes rounds of one workload as one (pure): jobs and durations add up, so the throughput
 * is all rounds' completed jobs over their summed durations (each from its first submission to
 * its last success seen), and the percentiles are those of every job's latency, pooled.
 */
export function summarizeRounds(rounds: readonly RoundTimings[]): Summary {
  const latencies = rounds
    .flatMap((round) => round.timings.map((timing) => timing.visibleAt - timing.submittedAt))
    .sort((a, b) => a - b);
  const durations = rounds.map(roundDurationMs);
  const measured = durations.filter((ms) => !Number.isNaN(ms));
  const durationMs = measured.length > 0 ? measured.reduce((sum, ms) => sum + ms, 0) : Number.NaN;
  return {
    submitted: rounds.reduce((sum, round) => sum + round.submitted, 0),
    completed: latencies.length,
    durationMs,
    throughputPerSecond: perSecond(latencies.length, durationMs),
    roundThroughputs: rounds.map((round, i) => perSecond(round.timings.length, durations[i]!)),
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    meanMs: latencies.length > 0 ? latencies.reduce((sum, n) => sum + n, 0) / latencies.length : Number.NaN,
  };
}

/** From a round's first submission to its last success seen, in milliseconds; NaN when none succeeded. */
function roundDurationMs({ timings, firstSubmittedAt }: RoundTimings): number {
  if (timings.length === 0) return Number.NaN;
  return (
    timings.reduce((last, timing) => Math.max(last, timing.visibleAt), Number.NEGATIVE_INFINITY) - firstSubmittedAt
  );
}

/** `jobs` over `ms`, in jobs per second; NaN unless `ms` is above 0. */
function perSecond(jobs: number, ms: number): number {
  return ms > 0 ? (jobs / ms) * 1000 : Number.NaN;
}

/** `a / b`, NaN when either is not a positive finite number. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0 ? a / b : Number.NaN;
}
