/**
 * The classifier port: a text classifier trained by the training stage, loaded by its
 * `modelId` (TrainingResult.modelId). The analysis stage only classifies; how a model is
 * stored and loaded belongs to the training stage, which supplies `loadClassifier`.
 */

/** A trained classifier, ready to label texts. */
export interface TextClassifier {
  modelName: string;
  version: number;
  /** The labels it can give, e.g. POSITIVE, NEUTRAL, NEGATIVE. */
  labels: string[];
  /** One result per text, in order: the best label and every label's probability. */
  classify(texts: string[]): Promise<{ label: string; probabilities: Record<string, number> }[]>;
}

/**
 * Loads the classifier of `modelId`. Rejects with a SedanoError coded
 * SEDANO_ERR_MODEL_NOT_FOUND when there is no such model (any other error is an outage).
 */
export type LoadClassifier = (modelId: string) => Promise<TextClassifier>;
