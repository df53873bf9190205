/**
 * The labelled examples of a run, checked and split (pure): every text and label non-blank,
 * two labels or more, each with enough examples; then a stratified validation split (each
 * label keeps its share in both parts) and the class weights.
 */
import type { LabelledExample } from '../../../schemas/labelled-example.ts';
import { SedanoError } from '../../lib/errors.ts';
import type { SeededRandom } from './seeded-random.ts';

/** An example with where it came from, so a refusal can name it. */
export interface SourcedExample extends LabelledExample {
  /** `examples[3]` or `dataset.csv row 12`. */
  source: string;
}

/** Examples as indices into `labels`, split into training and validation parts. */
export interface LabelledSet {
  /** The distinct labels, sorted: a label's index is its output unit. */
  labels: string[];
  texts: string[];
  /** Label index of each text. */
  targets: number[];
  /** Indices into texts of the training part, in a seeded order. */
  training: number[];
  /** Indices into texts of the validation part (empty when the split is 0). */
  validation: number[];
  /** Examples per label, by label. */
  labelCounts: Record<string, number>;
}

/** Refuses blank texts or labels, naming the first few. Labels are trimmed; texts are kept as given. */
export function checkExamples(examples: readonly SourcedExample[]): LabelledExample[] {
  const blank = examples.filter((example) => example.text.trim() === '' || example.label.trim() === '');
  if (blank.length > 0) {
    const named = blank.slice(0, 5).map((example) => {
      const what = example.text.trim() === '' ? 'text' : 'label';
      return `${example.source} has an empty ${what}`;
    });
    const more = blank.length > 5 ? ` (and ${blank.length - 5} more)` : '';
    throw new SedanoError('SEDANO_ERR_TRAINING_EMPTY_TEXT', `${named.join('; ')}${more}`, { retriable: false });
  }
  return examples.map((example) => ({ text: example.text, label: example.label.trim() }));
}

/**
 * Indexes the labels, checks there are two or more with `minExamplesPerLabel` each, and splits
 * every label's examples: `round(n × validationSplit)` to validation (at least one when the split
 * is above 0, and never all of them).
 */
export function splitLabelledSet(
  examples: readonly LabelledExample[],
  validationSplit: number,
  minExamplesPerLabel: number,
  random: SeededRandom,
): LabelledSet {
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  if (labels.length < 2) {
    const found = labels.length === 0 ? 'no examples' : `only the label "${labels[0]}"`;
    throw new SedanoError(
      'SEDANO_ERR_TRAINING_TOO_FEW_LABELS',
      `examples: a classifier needs at least two labels, found ${found}`,
      { retriable: false },
    );
  }
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const targets = examples.map((example) => labelIndex.get(example.label) as number);
  const byLabel = labels.map(() => [] as number[]);
  targets.forEach((target, index) => byLabel[target]?.push(index));
  const short = labels.filter((_, index) => (byLabel[index]?.length ?? 0) < minExamplesPerLabel);
  if (short.length > 0) {
    const named = short.map((label) => `"${label}" has ${byLabel[labelIndex.get(label) as number]?.length}`);
    throw new SedanoError(
      'SEDANO_ERR_TRAINING_TOO_FEW_EXAMPLES',
      `examples: every label needs at least ${minExamplesPerLabel} examples; ${named.join(', ')}`,
      { retriable: false },
    );
  }
  const training: number[] = [];
  const validation: number[] = [];
  for (const indices of byLabel) {
    const shuffled = random.shuffle(indices);
    const wanted = validationSplit > 0 ? Math.max(1, Math.round(shuffled.length * validationSplit)) : 0;
    const held = Math.min(wanted, shuffled.length - 1);
    validation.push(...shuffled.slice(0, held));
    training.push(...shuffled.slice(held));
  }
  return {
    labels,
    texts: examples.map((example) => example.text),
    targets,
    training: random.shuffle(training),
    validation: validation.sort((a, b) => a - b),
    labelCounts: Object.fromEntries(labels.map((label, index) => [label, byLabel[index]?.length ?? 0])),
  };
}

/**
 * One weight per label: `n / (k × n_label)` over the training part when balancing (a label
 * twice as rare weighs twice as much; the mean weight per example stays 1), else 1 each.
 */
export function classWeights(set: LabelledSet, balance: boolean): number[] {
  if (!balance) return set.labels.map(() => 1);
  const counts = new Map<number, number>();
  for (const index of set.training) {
    const target = set.targets[index] as number;
    counts.set(target, (counts.get(target) ?? 0) + 1);
  }
  const total = set.training.length;
  return set.labels.map((_, target) => {
    const count = counts.get(target) ?? 0;
    return count === 0 ? 0 : total / (set.labels.length * count);
  });
}

/** A warning when the most frequent label has more than `ratio` times the examples of the rarest. */
export function imbalanceWarning(labelCounts: Record<string, number>, ratio: number): string | undefined {
  const entries = Object.entries(labelCounts).sort((a, b) => a[1] - b[1]);
  const rarest = entries[0];
  const commonest = entries[entries.length - 1];
  if (rarest === undefined || commonest === undefined || commonest[1] <= rarest[1] * ratio) return undefined;
  return (
    `imbalanced labels: "${commonest[0]}" has ${commonest[1]} examples, "${rarest[0]}" ${rarest[1]} ` +
    `(more than ${ratio} times as many); balance the data or keep balanceClasses on`
  );
}
