// What the training page's worker does with a finished run: the validation scans predicted by its saved model,
// and the model kept in this browser for the diagnosis page.
import type { tf } from '@ct3d/model';
import type { RunInfo } from '@ct3d/train';
import { type MemoryRun, predictProbabilities, type StoredScan, type VolumeStore } from '@ct3d/train/browser';
import { runManifest } from '../../run-manifest.js';
import { saveTrainedModel } from '../trained-model.js';
import type { ValidationRow } from './protocol.js';

/**
 * Keeps the run's checkpoint (best/ when there is one, as `ct3d export-web --run` exports) and its manifest
 * in this browser for the diagnosis page; true when kept. The manifest is built from run.json and
 * metrics.json as they are in the zip (JSON round trip), as export-web builds it from the unzipped folder.
 */
export async function keepForDiagnosis(
  run: MemoryRun,
  folder: string,
  info: RunInfo,
  metrics: unknown,
): Promise<boolean> {
  const checkpoint = run.saved.best ? 'best' : 'model';
  const saved = run.saved.best ?? run.saved.model;
  if (!saved) return false;
  const manifest = runManifest({
    run: folder,
    checkpoint,
    inputShape: run.model.inputs[0].shape,
    units: run.model.outputs[0].shape.at(-1),
    info: JSON.parse(JSON.stringify(info)) as RunInfo,
    metrics: JSON.parse(JSON.stringify(metrics)),
    where: `${folder}/${checkpoint}`,
  });
  await saveTrainedModel({ manifest, json: saved.json, weights: saved.weights.slice() });
  return true;
}

/** The validation scans predicted by the saved model (best/ when there is one: what `ct3d predict --run` loads). */
export async function validate(
  model: tf.LayersModel,
  store: VolumeStore,
  scans: StoredScan[],
  val: { id: string }[],
): Promise<ValidationRow[]> {
  const rows: ValidationRow[] = [];
  for (const { id } of val) {
    const scan = scans.find((s) => s.id === id);
    if (scan) {
      const probabilities = await predictProbabilities(model, await store.get(id));
      rows.push({ id, label: scan.label, probabilities });
    }
  }
  return rows;
}
