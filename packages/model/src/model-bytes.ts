// A saved model's two files as bytes, browser-safe: saveModel writes them into a folder, a browser tab puts
// them in a download (the same model.json and weights.bin either way).
import { WEIGHTS_BIN } from './model-files.js';
import * as tf from './tf.js';

function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  return new Uint8Array(tf.io.concatenateArrayBuffers(buffers));
}

/** The tfjs "layers-model" model.json for the artifacts, with one weights file. */
function modelJson(artifacts: tf.io.ModelArtifacts): tf.io.ModelJSON {
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  return json;
}

/** model.json's text and weights.bin's bytes for the artifacts tfjs hands a save handler. */
export function modelFileContents(artifacts: tf.io.ModelArtifacts): { json: string; weights: Uint8Array } {
  return { json: JSON.stringify(modelJson(artifacts)), weights: weightBytes(artifacts.weightData) };
}

/** The model's model.json text and weights.bin bytes, as saveModel writes them (no optimizer). */
export async function modelFileBytes(model: tf.LayersModel): Promise<{ json: string; weights: Uint8Array }> {
  let files: { json: string; weights: Uint8Array } | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      files = modelFileContents(artifacts);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: false },
  );
  if (!files) throw new Error('modelFileBytes: tfjs saved nothing');
  return files;
}

/** The model whose model.json text and weights.bin bytes these are (modelFileBytes' inverse), in memory. */
export function modelFromBytes(files: { json: string; weights: Uint8Array }): Promise<tf.LayersModel> {
  const json = JSON.parse(files.json) as tf.io.ModelJSON;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: files.weights.slice().buffer,
    }),
  );
}
