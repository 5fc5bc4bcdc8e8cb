// The tensors of a resume checkpoint, browser-safe: model weights and Adam's state, saved and restored exactly.
// resume.ts reads them from a run folder, the training page from its private files.
import { tf } from '@ct3d/model';
import { decodeFloat32, encodeTensors, type TensorSpec } from './run-folder/resume-codec.js';
import type { ScheduledAdam } from './step.js';

/** Adam's state in state.json; the moments themselves (m of every weight, then v) are in optimizer.bin. */
export interface AdamRecord {
  /** Steps taken. */
  iterations: number;
  /** beta1^t as the optimizer held it (null when stale). */
  accBeta1: number | null;
  /** beta2^t as the optimizer held it (null when stale). */
  accBeta2: number | null;
  /** The moments' names and shapes, in optimizer.bin's order. */
  weights: TensorSpec[];
}

function checkShapes(
  file: string,
  what: string,
  specs: TensorSpec[],
  expected: readonly (readonly (number | null)[])[],
): void {
  if (specs.length !== expected.length)
    throw new Error(`${file}: ${specs.length} ${what} tensors, the model has ${expected.length}`);
  specs.forEach((s, i) => {
    if (s.shape.join() !== expected[i].join())
      throw new Error(`${file}: ${what} ${s.name} is [${s.shape}], the model's is [${expected[i]}]`);
  });
}

/** Sets a checkpoint's weights (read from `file`) into `model` (same architecture; checked by shape). */
export function setModelWeights(
  model: tf.LayersModel,
  saved: { specs: TensorSpec[]; values: Float32Array[] },
  file: string,
): void {
  const { specs, values } = saved;
  checkShapes(
    file,
    'weight',
    specs,
    model.weights.map((w) => w.shape),
  );
  const tensors = values.map((v, i) => tf.tensor(v, specs[i].shape, 'float32'));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** Loads a checkpoint's Adam state (its optimizer.bin bytes, read from `file`) into a fresh optimizer. */
export async function restoreOptimizerBytes(
  optimizer: ScheduledAdam,
  model: tf.LayersModel,
  bytes: Uint8Array,
  saved: AdamRecord,
  file: string,
): Promise<void> {
  const { weights, iterations, accBeta1, accBeta2 } = saved;
  const values = decodeFloat32(bytes, weights, file);
  if (weights.length > 0) {
    const shapes = model.trainableWeights.map((w) => w.shape);
    checkShapes(file, 'Adam moment', weights, [...shapes, ...shapes]);
  }
  const named = [
    { name: 'iter', tensor: tf.scalar(iterations, 'int32') },
    ...values.map((v, i) => ({ name: weights[i].name, tensor: tf.tensor(v, weights[i].shape, 'float32') })),
  ];
  try {
    // restore() keeps the saved beta^t when plausible (resumed steps stay bit-identical), else derives it.
    await optimizer.restore({ weights: named, accBeta1, accBeta2 });
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}

/** Adam's moments as optimizer.bin bytes plus their record. */
export async function adamSnapshot(
  optimizer: ScheduledAdam,
): Promise<{ record: AdamRecord; bytes: Uint8Array }> {
  const { weights, accBeta1, accBeta2 } = await optimizer.snapshot();
  const [iter, ...moments] = weights;
  const { specs, bytes } = await encodeTensors(moments);
  const iterations = (await iter.tensor.data())[0];
  iter.tensor.dispose(); // a fresh scalar; the moments are the optimizer's own variables
  return { record: { iterations, accBeta1, accBeta2, weights: specs }, bytes };
}
