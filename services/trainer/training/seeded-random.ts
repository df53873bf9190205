/**
 * A small seeded random generator (mulberry32) for everything a training run draws at random:
 * the validation split, the order of batches and the seeds of the weight initialisers. One
 * seed gives one sequence, so the same seed over the same data gives the same model.
 */

/** A generator of numbers in [0, 1), and helpers over it. */
export interface SeededRandom {
  /** The next number in [0, 1). */
  next(): number;
  /** A whole number in [0, 2^31), for seeding another generator (a tfjs initialiser). */
  nextSeed(): number;
  /** A shuffled copy of `items` (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

/** The generator of `seed` (any safe integer; its high and low 32 bits are folded together). */
export function createSeededRandom(seed: number): SeededRandom {
  let state = (Math.floor(seed / 2 ** 32) ^ seed) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    next,
    nextSeed: () => Math.floor(next() * 2 ** 31),
    shuffle: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i -= 1) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as (typeof copy)[number], copy[i] as (typeof copy)[number]];
      }
      return copy;
    },
  };
}

/** A seed for a run whose request gave none (recorded with the model, so the run can be repeated). */
export function pickSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
