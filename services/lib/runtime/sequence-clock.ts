/**
 * Sequence numbers of status events: microseconds since the epoch, strictly increasing in
 * this process. Any worker's events for a job therefore order by when they happened, also
 * across attempts and across the redelivery of a job whose first worker crashed (which a
 * per-attempt counter would not: the new run would restart below the crashed run's numbers),
 * as far as the workers' clocks agree. Where they do not, the view orders a job's events by
 * attempt first and lets a terminal event end an active job (job-view.ts's precedence).
 * PENDING, produced at submit time, is 0. The values stay below 2^53.
 */
export class SequenceClock {
  #last = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  next(): number {
    const candidate = this.#now() * 1000;
    this.#last = candidate > this.#last ? candidate : this.#last + 1;
    return this.#last;
  }
}
