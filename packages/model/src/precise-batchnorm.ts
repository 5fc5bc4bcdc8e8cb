import { BatchNormalization3D } from './layers/batch-normalization3d.js';
import * as tf from './tf.js';

/** A batch of model inputs: `x` in the model's input layout, `shape` its tensor shape. */
export interface InputBatch {
  x: Float32Array;
  shape: readonly number[];
}

/** Options of recomputeBatchNormStatistics. */
export interface PreciseBatchNormOptions {
  /** Stop after this many batches (default: all of them). */
  maxBatches?: number;
}

/** What recomputeBatchNormStatistics measured. */
export interface PreciseBatchNormResult {
  /** BatchNormalization3D layers whose moving statistics were replaced. */
  layers: number;
  batches: number;
  /** Voxels (rows per channel) seen by the first layer. */
  samples: number;
}

interface ChannelSums {
  sum: tf.Tensor1D;
  sumSquares: tf.Tensor1D;
  rows: number;
}

/** Per-channel sum and sum of squares of a channels-last tensor. */
function channelSums(x: tf.Tensor): ChannelSums {
  const rows = tf.reshape(x, [-1, x.shape[x.rank - 1]]);
  return {
    sum: tf.sum(rows, 0) as tf.Tensor1D,
    sumSquares: tf.sum(tf.square(rows), 0) as tf.Tensor1D,
    rows: rows.shape[0],
  };
}

function addSums(acc: ChannelSums | undefined, next: ChannelSums): ChannelSums {
  if (!acc) return next;
  const merged = {
    sum: tf.add(acc.sum, next.sum) as tf.Tensor1D,
    sumSquares: tf.add(acc.sumSquares, next.sumSquares) as tf.Tensor1D,
    rows: acc.rows + next.rows,
  };
  tf.dispose([acc.sum, acc.sumSquares, next.sum, next.sumSquares]);
  return merged;
}

/**
 * "Precise BatchNorm" (Wu & Johnson, "Rethinking 'Batch' in BatchNorm", 2021): replaces every
 * BatchNormalization3D layer's moving mean and variance with the population statistics of its input over
 * `batches`, computed in training mode (each earlier BatchNorm normalizing with its batch statistics, as in
 * training). Why: with the seed's batch of 2 the last BatchNorm sees a few voxels per scan, and the
 * exponential moving average of such noisy batch statistics (Keras momentum 0.99 over a short run) is far
 * from what the trained layers expect, so inference-mode predictions collapse to one class.
 * Gamma, beta and every other weight are left as they are; the model's outputs are not computed.
 */
export async function recomputeBatchNormStatistics(
  model: tf.LayersModel,
  batches: AsyncIterable<InputBatch> | Iterable<InputBatch>,
  opts: PreciseBatchNormOptions = {},
): Promise<PreciseBatchNormResult> {
  const layers = model.layers.filter((l): l is BatchNormalization3D => l instanceof BatchNormalization3D);
  if (layers.length === 0) return { layers: 0, batches: 0, samples: 0 };
  // The inputs of every BatchNorm layer, as one multi-output model sharing the weights.
  const probe = tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.input as tf.SymbolicTensor) });
  // Training-mode calls also move the layers' moving averages: keep them to restore if nothing is seen.
  const before = layers.map((l) => l.getWeights().map((w) => w.clone()));
  const sums: (ChannelSums | undefined)[] = layers.map(() => undefined);
  let count = 0;
  try {
    for await (const batch of batches) {
      if (opts.maxBatches !== undefined && count >= opts.maxBatches) break;
      // tidy: applying a model to tensors keeps every intermediate activation otherwise.
      let rows: number[] = [];
      const batchSums: tf.Tensor1D[][] = tf.tidy(() => {
        const outs = probe.apply(tf.tensor(batch.x, [...batch.shape]), { training: true });
        const parts = (Array.isArray(outs) ? outs : [outs]).map((o) => channelSums(o as tf.Tensor));
        rows = parts.map((p) => p.rows);
        return parts.map((p) => [p.sum, p.sumSquares]);
      });
      // Waits for the backend so that batches do not queue up (async backends).
      await batchSums[0]?.[0]?.data();
      batchSums.forEach(([sum, sumSquares], i) => {
        if (sum && sumSquares) sums[i] = addSums(sums[i], { sum, sumSquares, rows: rows[i] ?? 0 });
      });
      count++;
    }
    layers.forEach((layer, i) => {
      const s = sums[i];
      const [gamma, beta, mean0, var0] = before[i] as tf.Tensor[];
      if (!s) {
        layer.setWeights([gamma, beta, mean0, var0]);
        return;
      }
      const stats = tf.tidy(() => {
        const mean = tf.div(s.sum, s.rows);
        // Population variance E[x^2] - E[x]^2, clamped at 0 against rounding.
        const variance = tf.relu(tf.sub(tf.div(s.sumSquares, s.rows), tf.square(mean)));
        return [mean, variance];
      });
      layer.setWeights([gamma, beta, ...stats]);
      tf.dispose(stats);
    });
    return { layers: layers.length, batches: count, samples: sums[0]?.rows ?? 0 };
  } finally {
    tf.dispose(before.flat());
    for (const s of sums) if (s) tf.dispose([s.sum, s.sumSquares]);
  }
}
