/** Per-label precision, recall and F1, and the confusion matrix, of predictions (pure). */

/** How one label fared on the validation set. */
export interface LabelMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Validation examples that carry the label. */
  support: number;
}

/** The validation set's evaluation saved with a model version. */
export interface ClassificationReport {
  accuracy: number;
  /** Mean F1 over the labels, each counting the same. */
  macroF1: number;
  perLabel: LabelMetrics[];
  /** `confusionMatrix[actual][predicted]`: counts, rows and columns in the order of `labels`. */
  confusionMatrix: number[][];
  /** Examples evaluated. */
  examples: number;
}

/** The report of `predicted` against `actual` (label indices into `labels`). A ratio with no denominator is 0. */
export function classificationReport(
  labels: readonly string[],
  actual: readonly number[],
  predicted: readonly number[],
): ClassificationReport {
  const matrix = labels.map(() => labels.map(() => 0));
  actual.forEach((truth, index) => {
    const row = matrix[truth];
    const guess = predicted[index] as number;
    if (row !== undefined) row[guess] = (row[guess] ?? 0) + 1;
  });
  const ratio = (numerator: number, denominator: number) => (denominator === 0 ? 0 : numerator / denominator);
  let correct = 0;
  const perLabel = labels.map((label, k) => {
    const truePositives = matrix[k]?.[k] ?? 0;
    correct += truePositives;
    const support = (matrix[k] ?? []).reduce((sum, count) => sum + count, 0);
    const predictedK = matrix.reduce((sum, row) => sum + (row[k] ?? 0), 0);
    const precision = ratio(truePositives, predictedK);
    const recall = ratio(truePositives, support);
    return { label, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  return {
    accuracy: ratio(correct, actual.length),
    macroF1: ratio(
      perLabel.reduce((sum, metrics) => sum + metrics.f1, 0),
      perLabel.length,
    ),
    perLabel,
    confusionMatrix: matrix,
    examples: actual.length,
  };
}
