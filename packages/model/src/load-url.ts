// Loading a saved model folder over HTTP (pages): tfjs' own loader, with our custom layers registered.
import './layers/batch-normalization3d.js';
import './layers/global-average-pooling3d.js';
import './layers/seeded-dropout.js';
import { MODEL_JSON } from './model-files.js';
import * as tf from './tf.js';

/** Loads the model saved in the folder at `folderUrl` (model.json + weights.bin, as saveModel writes them). */
export async function loadModelFromUrl(folderUrl: string | URL): Promise<tf.LayersModel> {
  const base = new URL(String(folderUrl).replace(/\/?$/, '/'), globalThis.location?.href);
  return tf.loadLayersModel(new URL(MODEL_JSON, base).href);
}
