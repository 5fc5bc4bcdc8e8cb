import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@ct3d/core/node';
import './layers/batch-normalization3d.js';
import './layers/global-average-pooling3d.js';
import './layers/seeded-dropout.js';
import { modelFileContents } from './model-bytes.js';
import { MODEL_JSON, WEIGHTS_BIN } from './model-files.js';
import * as tf from './tf.js';

/**
 * Saves a model in the tfjs layers format (dir/model.json + dir/weights.bin) without tfjs-node.
 * Each file is written to a temp name and renamed; weights first so model.json never points at
 * missing or partial weights.
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  opts: { includeOptimizer?: boolean } = {},
): Promise<tf.io.SaveResult> {
  await mkdir(dir, { recursive: true });
  const handler = tf.io.withSaveHandler(async (artifacts) => {
    const { json, weights } = modelFileContents(artifacts);
    await writeFileAtomic(path.join(dir, WEIGHTS_BIN), weights);
    await writeFileAtomic(path.join(dir, MODEL_JSON), json);
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: json.length,
        weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
        weightDataBytes: weights.byteLength,
      },
    };
  });
  return model.save(handler, { includeOptimizer: opts.includeOptimizer ?? false });
}

/**
 * Reads one file of a saved model folder by the path model.json gives it (model.json itself, "./weights.bin").
 * A server passes its guarded read here; a failure it throws rides as the `cause` of the loader's error.
 */
export type ModelFileReader = (relative: string) => Promise<Uint8Array>;

async function readModelJson(file: string, read: ModelFileReader): Promise<tf.io.ModelJSON> {
  let text: string;
  try {
    text = new TextDecoder().decode(await read(MODEL_JSON));
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(
      `${file}: ${code === 'ENOENT' ? 'no saved model here (missing model.json)' : String(err)}`,
      { cause: err },
    );
  }
  try {
    const json = JSON.parse(text) as tf.io.ModelJSON;
    if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error('not a tfjs model.json');
    return json;
  } catch (err) {
    throw new Error(`${file}: invalid model.json (${(err as Error).message})`);
  }
}

/** Reads the weight files listed in the manifest and checks their total size. */
async function readWeights(
  dir: string,
  json: tf.io.ModelJSON,
  read: ModelFileReader,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const parts = await Promise.all(
    json.weightsManifest.flatMap((group) =>
      group.paths.map(async (p) => {
        try {
          return await read(p);
        } catch (err) {
          throw new Error(
            `${path.join(dir, p)}: cannot read weights (${(err as { code?: string }).code ?? String(err)})`,
            { cause: err },
          );
        }
      }),
    ),
  );
  const bytes = parts.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  const data = tf.io.concatenateArrayBuffers(bytes);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (specs.every((s) => s.dtype === 'float32' && !s.quantization) && data.byteLength !== expected) {
    throw new Error(
      `${path.join(dir, WEIGHTS_BIN)}: ${data.byteLength} bytes, model.json expects ${expected}`,
    );
  }
  return [specs, data];
}

/** Loads a model written by saveModel (or any single-folder tfjs layers model) from `dir`. */
export function loadModel(dir: string): Promise<tf.LayersModel> {
  return loadModelFrom(dir, (relative) => readFile(path.join(dir, relative)));
}

/** loadModel with each file of the folder read by `read`; `dir` only names the folder in errors. */
export async function loadModelFrom(dir: string, read: ModelFileReader): Promise<tf.LayersModel> {
  const json = await readModelJson(path.join(dir, MODEL_JSON), read);
  const [weightSpecs, weightData] = await readWeights(dir, json, read);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs,
    weightData,
  };
  return tf.loadLayersModel({ load: async () => artifacts });
}
