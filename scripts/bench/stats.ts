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
  /** From the first submission to the last success seen, in milliseconds. */
  durationMs: number;
  /** `completed` / `durationMs`, in jobs per second. */
  throughputPerSecond: number;
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

/** Summarizes the timings of the jobs that completed, out of `submitted` (first submission from all of them). */
export function summarize(timings: readonly JobTiming[], submitted: number, firstSubmittedAt: number): Summary {
  const latencies = timings.map((timing) => timing.visibleAt - timing.submittedAt).sort((a, b) => a - b);
  const lastVisibleAt = timings.reduce((last, timing) => Math.max(last, timing.visibleAt), Number.NEGATIVE_INFINITY);
  const durationMs = timings.length > 0 ? lastVisibleAt - firstSubmittedAt : Number.NaN;
  return {
    submitted,
    completed: timings.length,
    durationMs,
    throughputPerSecond: durationMs > 0 ? (timings.length / durationMs) * 1000 : Number.NaN,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    meanMs: latencies.length > 0 ? latencies.reduce((sum, n) => sum + n, 0) / latencies.length : Number.NaN,
  };
}

/** `a / b`, NaN when either is not a positive finite number. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0 ? a / b : Number.NaN;
}
