/** Histogram buckets shared by the gateway's and the workers' job metrics, in seconds. */

/** Run times: sub-second noop jobs to hour-long trainings. */
export const RUN_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Queue waits: an idle stage's few milliseconds to a backlog of a quarter of an hour. */
export const WAIT_BUCKETS_SECONDS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
