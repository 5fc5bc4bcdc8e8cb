// Where the diagnosis page gets its run: an exported page's (or the dashboard's) manifest.json and model/,
// or the model last trained in this browser when the page is the training page's diagnose/ folder.
import { MANIFEST_FILE, MODEL_FOLDER, WASM_FOLDER, type WebManifest } from '../manifest.js';
import type { ToWorker } from './protocol.js';
import { loadTrainedModel } from './trained-model.js';

/** The model the worker loads: model/'s URL, or the model's two files. */
export type InitModel = Extract<ToWorker, { type: 'init' }>['model'];

/**
 * The run this page diagnoses with: its manifest.json and model/ (an exported page, the dashboard's), or,
 * in the training page's diagnose/ folder (body data-model="trained-here"), the model last trained in this
 * browser (trained-model.ts), with the training page's wasm/ beside.
 */
export async function pageModel(
  base: string,
): Promise<{ manifest: WebManifest; model: InitModel; wasm: string }> {
  if (document.body.dataset.model === 'trained-here') {
    const trained = await loadTrainedModel();
    if (!trained)
      throw new Error('no model was trained in this browser yet: train one on the training page (../)');
    const { manifest: m, json, weights } = trained;
    return { manifest: m, model: { json, weights }, wasm: new URL(`../${WASM_FOLDER}`, base).href };
  }
  const response = await fetch(new URL(MANIFEST_FILE, base));
  if (!response.ok) throw new Error(`${MANIFEST_FILE}: HTTP ${response.status}`);
  const m = (await response.json()) as WebManifest;
  return { manifest: m, model: new URL(MODEL_FOLDER, base).href, wasm: new URL(WASM_FOLDER, base).href };
}
