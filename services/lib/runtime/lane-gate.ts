/**
 * Decides which lanes a stage fetches from, so higher lanes are drained first without ever
 * blocking the consumer (pausing keeps the group's heartbeats going, blocking would not):
 *
 * - below `concurrency` jobs in hand, every lane is fetched;
 * - at `concurrency`, only the highest lane is, so a HIGH job behind a backlog of LOW ones
 *   is still taken in and runs at the next free slot (the scheduler prefers it);
 * - at twice `concurrency`, nothing is fetched until jobs finish;
 * - while the stage is paused (a PAUSE_STAGE command), nothing is fetched; running jobs finish.
 */
import type { KafkaConsumer } from '../kafka.ts';

export class LaneGate {
  readonly #lanes: readonly string[];
  readonly #concurrency: number;
  readonly #consumer: Pick<KafkaConsumer, 'pause' | 'resume'>;
  #open: 'all' | 'highest' | 'none' = 'all';
  #suspended = false;
  #jobsInHand = 0;

  constructor(lanes: readonly string[], concurrency: number, consumer: Pick<KafkaConsumer, 'pause' | 'resume'>) {
    this.#lanes = lanes;
    this.#concurrency = concurrency;
    this.#consumer = consumer;
  }

  /** Which lanes are fetched for a number of jobs in hand (pure). */
  static openLanes(jobsInHand: number, concurrency: number): 'all' | 'highest' | 'none' {
    if (jobsInHand >= 2 * concurrency) return 'none';
    if (jobsInHand >= concurrency) return 'highest';
    return 'all';
  }

  /** True while `suspend(true)` holds every lane. */
  get suspended(): boolean {
    return this.#suspended;
  }

  /** Stops (true) or restarts (false) fetching from every lane, whatever the jobs in hand. */
  suspend(suspended: boolean): void {
    this.#suspended = suspended;
    this.update(this.#jobsInHand);
  }

  /** Pauses or resumes lanes for the number of jobs in hand. */
  update(jobsInHand: number): void {
    this.#jobsInHand = jobsInHand;
    const open = this.#suspended ? 'none' : LaneGate.openLanes(jobsInHand, this.#concurrency);
    if (open === this.#open) return;
    const [highest = '', ...lower] = this.#lanes;
    if (open === 'all') this.#consumer.resume(this.#lanes);
    if (open === 'highest') {
      this.#consumer.pause(lower);
      this.#consumer.resume([highest]);
    }
    if (open === 'none') this.#consumer.pause(this.#lanes);
    this.#open = open;
  }
}
