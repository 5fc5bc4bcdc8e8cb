import type { tf } from '@ct3d/model';
import { type BinaryMetrics, binaryMetrics } from './metrics.js';
import { type BatchLike, predictBatch } from './step.js';

export interface Evaluation extends BinaryMetrics {
  /** Inference-mode probabilities of class 1, in batch order. */
  probabilities: number[];
  labels: number[];
  ids: string[];
}

/**
 * Runs the model in inference mode over all batches and scores it: mean binary cross-entropy, accuracy
 * at `threshold` (p > threshold is class 1), exact ROC AUC, sensitivity, specificity, confusion counts.
 */
export async function evaluate(
  model: tf.LayersModel,
  batches: AsyncIterable<BatchLike> | Iterable<BatchLike>,
  opts: { threshold?: number } = {},
): Promise<Evaluation> {
  const probabilities: number[] = [];
  const labels: number[] = [];
  const ids: string[] = [];
  for await (const batch of batches) {
    const p = await predictBatch(model, batch);
    probabilities.push(...p);
    labels.push(...batch.y);
    ids.push(...(batch.ids ?? Array.from(batch.y, () => '')));
  }
  return { ...binaryMetrics(labels, probabilities, opts.threshold ?? 0.5), probabilities, labels, ids };
}
