import type { tf } from '@ct3d/model';
import { type BinaryMetrics, binaryMetrics } from './metrics.js';
import { outputUnits } from './multiclass.js';
import { argmax, type MulticlassMetrics, multiclassMetrics, toRows } from './multiclass-metrics.js';
import { type BatchLike, predictBatch } from './step.js';

/** A sigmoid (binary) model's evaluation. */
export interface BinaryEvaluation extends BinaryMetrics {
  /** Inference-mode probabilities of class 1, in batch order. */
  probabilities: number[];
  labels: number[];
  ids: string[];
}

/** A softmax (k-class) model's evaluation. */
export interface MulticlassEvaluation extends MulticlassMetrics {
  /** Inference-mode probabilities, one row of k per scan, in batch order. */
  probabilities: number[][];
  /** Argmax class of each scan. */
  predicted: number[];
  labels: number[];
  ids: string[];
}

/** What evaluate gives: binary for a sigmoid model, multi-class for a softmax model. */
export type Evaluation = BinaryEvaluation | MulticlassEvaluation;

/** Whether an evaluation is a softmax model's. */
export function isMulticlass(e: Evaluation): e is MulticlassEvaluation {
  return 'perClass' in e;
}

/**
 * Runs the model in inference mode over all batches and scores it. A sigmoid model: mean binary
 * cross-entropy, accuracy at `threshold` (p > threshold is class 1), exact ROC AUC, sensitivity,
 * specificity, confusion counts. A k-unit softmax model: categorical cross-entropy, argmax accuracy,
 * k x k confusion, per-class precision/recall/F1/AUC and macro averages (see multiclassMetrics).
 */
export async function evaluate(
  model: tf.LayersModel,
  batches: AsyncIterable<BatchLike> | Iterable<BatchLike>,
  opts: { threshold?: number } = {},
): Promise<Evaluation> {
  const k = outputUnits(model);
  const probabilities: number[] = [];
  const labels: number[] = [];
  const ids: string[] = [];
  for await (const batch of batches) {
    const p = await predictBatch(model, batch);
    probabilities.push(...p);
    labels.push(...batch.y);
    ids.push(...(batch.ids ?? Array.from(batch.y, () => '')));
  }
  if (k === 1) {
    return { ...binaryMetrics(labels, probabilities, opts.threshold ?? 0.5), probabilities, labels, ids };
  }
  const rows = toRows(probabilities, k);
  return {
    ...multiclassMetrics(labels, rows, k),
    probabilities: rows,
    predicted: rows.map(argmax),
    labels,
    ids,
  };
}
