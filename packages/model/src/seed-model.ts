import { BatchNormalization3D } from './layers/batch-normalization3d.js';
import { ConvPool3D } from './layers/conv-pool3d.js';
import { GlobalAveragePooling3D } from './layers/global-average-pooling3d.js';
import { SeededDropout } from './layers/seeded-dropout.js';
import * as tf from './tf.js';

/** Options of buildSeedModel. */
export interface SeedModelOptions {
  width: number;
  height: number;
  depth: number;
  /** Filters of each Conv3D -> MaxPool3D -> BatchNorm block (default [64, 64, 128, 256], the seed). */
  filters?: number[];
  /** Units of the hidden Dense layer (default 512). */
  denseUnits?: number;
  /** Dropout rate before the output layer (default 0.3). */
  dropout?: number;
  /** BatchNorm moving-average momentum (default 0.99, Keras). Short runs want less lag, e.g. 0.9 (PyTorch's). */
  batchNormMomentum?: number;
  /** 1 (default): one sigmoid unit, the seed's binary head; > 1: softmax over that many classes. */
  outputUnits?: number;
  /** Seed for the weight initializers and the SeededDropout masks, for reproducible runs (default: random). */
  seed?: number;
  /** true (default): each Conv3D(relu) -> MaxPool3D pair is one ConvPool3D layer (one fused op, what fits
   * the wasm heap at 128x128x64); false: the stock tfjs Conv3D and MaxPooling3D layers (same weights). */
  fused?: boolean;
}

/** The seed model's filters per block. */
export const SEED_FILTERS: readonly number[] = [64, 64, 128, 256];

/** Side length after one block: Conv3D(k=3, valid) then MaxPool3D(2) (floor); null when it does not fit. */
export function blockOutputSide(side: number): number | null {
  const conv = side - 2;
  return conv < 2 ? null : Math.floor(conv / 2);
}

/** Smallest side that survives `blocks` blocks (46 for the seed's 4 blocks). */
export function minSideForBlocks(blocks: number): number {
  let side = 1;
  for (let b = 0; b < blocks; b++) side = 2 * side + 2;
  return side;
}

function checkSides(opts: SeedModelOptions, blocks: number): void {
  for (const key of ['width', 'height', 'depth'] as const) {
    const side = opts[key];
    if (!Number.isInteger(side) || side < 1) {
      throw new Error(`buildSeedModel: ${key} must be a positive integer, got ${side}`);
    }
    const need = minSideForBlocks(blocks);
    if (side < need) {
      throw new Error(
        `buildSeedModel: ${key} ${side} is too small for ${blocks} conv blocks (each side needs >= ${need} voxels)`,
      );
    }
  }
}

const seedFor = (seed: number | undefined, offset: number): number | undefined =>
  seed === undefined ? undefined : seed + offset;

function seeded(seed: number | undefined, offset: number): ReturnType<typeof tf.initializers.glorotUniform> {
  const s = seedFor(seed, offset);
  return tf.initializers.glorotUniform(s === undefined ? {} : { seed: s });
}

type Block = (x: tf.SymbolicTensor) => tf.SymbolicTensor;
interface BlockNames {
  conv: string;
  pool: string;
}

function convPoolBlock(names: BlockNames, filters: number, seed: number | undefined, i: number): Block {
  const layer = new ConvPool3D({ name: names.conv, poolName: names.pool, filters, seed: seedFor(seed, i) });
  return (x) => layer.apply(x) as tf.SymbolicTensor;
}

function stockConvPool(names: BlockNames, filters: number, seed: number | undefined, i: number): Block {
  const conv = tf.layers.conv3d({
    name: names.conv,
    filters,
    kernelSize: 3,
    activation: 'relu',
    kernelInitializer: seeded(seed, i),
  });
  const pool = tf.layers.maxPooling3d({ name: names.pool, poolSize: 2 });
  return (x) => pool.apply(conv.apply(x)) as tf.SymbolicTensor;
}

/**
 * The seed 3D CNN of the Keras example ("3dcnn"): per filter count Conv3D(3, relu) -> MaxPool3D(2) ->
 * BatchNormalization, then GlobalAveragePooling3D, Dense(512, relu), Dropout(0.3) (SeededDropout),
 * Dense(1, sigmoid).
 * Input [width, height, depth, 1]; uncompiled. Layer names follow Keras (conv3d, conv3d_1, ...). Each
 * Conv3D+MaxPool3D pair is one ConvPool3D layer unless `fused: false`; the summary shows Keras' rows.
 */
export function buildSeedModel(opts: SeedModelOptions): tf.LayersModel {
  const filters = opts.filters ?? [...SEED_FILTERS];
  const denseUnits = opts.denseUnits ?? 512;
  const dropout = opts.dropout ?? 0.3;
  const outputUnits = opts.outputUnits ?? 1;
  const fused = opts.fused ?? true;
  if (filters.length === 0 || filters.some((f) => !Number.isInteger(f) || f < 1)) {
    throw new Error(`buildSeedModel: filters must be positive integers, got [${filters.join(', ')}]`);
  }
  if (!Number.isInteger(outputUnits) || outputUnits < 1) {
    throw new Error(`buildSeedModel: outputUnits must be a positive integer, got ${outputUnits}`);
  }
  checkSides(opts, filters.length);
  const suffix = (i: number): string => (i === 0 ? '' : `_${i}`);
  const inputs = tf.input({ shape: [opts.width, opts.height, opts.depth, 1], name: 'input_layer' });
  let x = inputs;
  filters.forEach((f, i) => {
    const names = { conv: `conv3d${suffix(i)}`, pool: `max_pooling3d${suffix(i)}` };
    x = (fused ? convPoolBlock(names, f, opts.seed, i) : stockConvPool(names, f, opts.seed, i))(x);
    x = new BatchNormalization3D({
      name: `batch_normalization${suffix(i)}`,
      momentum: opts.batchNormMomentum,
    }).apply(x) as tf.SymbolicTensor;
  });
  x = new GlobalAveragePooling3D({ name: 'global_average_pooling3d' }).apply(x) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({
    name: 'dense',
    units: denseUnits,
    activation: 'relu',
    kernelInitializer: seeded(opts.seed, 100),
  });
  x = hidden.apply(x) as tf.SymbolicTensor;
  // SeededDropout: Keras' Dropout with masks from (seed, epoch, step), so one seed gives one run.
  x = new SeededDropout({ name: 'dropout', rate: dropout, seed: seedFor(opts.seed, 102) }).apply(
    x,
  ) as tf.SymbolicTensor;
  const head = tf.layers.dense({
    name: 'dense_1',
    units: outputUnits,
    activation: outputUnits === 1 ? 'sigmoid' : 'softmax',
    kernelInitializer: seeded(opts.seed, 101),
  });
  const outputs = head.apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs, name: '3dcnn' });
}

/** The [width, height, depth] a model expects ([batch, w, h, d, 1] input). */
export function modelInputSize(model: tf.LayersModel): [number, number, number] {
  const shape = model.inputs[0]?.shape;
  if (shape?.length !== 5 || shape.slice(1, 4).some((s) => s == null)) {
    throw new Error(
      `model '${model.name}': expected a [batch, w, h, d, channels] input, got ${JSON.stringify(shape)}`,
    );
  }
  return [shape[1] as number, shape[2] as number, shape[3] as number];
}
