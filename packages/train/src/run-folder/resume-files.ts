// Resume checkpoint folders: <dir>/epoch-NNNN/ = model/ (saveModel), optimizer.bin, best/ (hard links to the
// run's best checkpoint at that epoch) and state.json. Each is written whole into a temp folder and renamed,
// so a kill -9 at any point leaves the previous complete checkpoint as the newest epoch-NNNN folder.
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_JSON, saveModel, type tf, WEIGHTS_BIN } from '@ct3d/model';
import { readJsonFile } from '../json-file.js';
import { RESUME_FILES, RUN_FILES } from './layout.js';
import { modelWeightsOf, type TensorSpec, toJson } from './resume-codec.js';

export {
  decodeFloat32,
  encodeTensors,
  fromJson,
  modelWeightsOf,
  type TensorSpec,
  toJson,
} from './resume-codec.js';

export const STATE_FILE = RESUME_FILES.state;
export const OPTIMIZER_FILE = RESUME_FILES.optimizer;
const CHECKPOINT = /^epoch-(\d+)$/;
const TEMP_PREFIX = '.tmp-';

/** A saved model folder's weights in model.weights order (float32 layers-model written by saveModel). */
export async function readModelWeights(
  dir: string,
): Promise<{ specs: TensorSpec[]; values: Float32Array[] }> {
  const files = { json: join(dir, MODEL_JSON), weights: join(dir, WEIGHTS_BIN) };
  const json = (await readJsonFile(files.json)) as tf.io.ModelJSON;
  return modelWeightsOf(json, await readFile(files.weights), files);
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Hard links (else copies) a saved model folder's two files into `to`: no extra disk for the best model. */
async function linkModel(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const f of [WEIGHTS_BIN, MODEL_JSON]) {
    await link(join(from, f), join(to, f)).catch(() => copyFile(join(from, f), join(to, f)));
  }
}

export interface CheckpointFiles {
  model: tf.LayersModel;
  optimizerBytes: Uint8Array;
  /** The run's best/ folder to keep with this checkpoint, if any. */
  bestDir: string | null;
  state: unknown;
}

export const checkpointName = (epoch: number): string => `epoch-${String(epoch).padStart(4, '0')}`;

/** Writes checkpoint `epoch` atomically into `dir`, then removes older checkpoints and stale temp folders. */
export async function writeCheckpoint(dir: string, epoch: number, files: CheckpointFiles): Promise<string> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${TEMP_PREFIX}${checkpointName(epoch)}-${process.pid}-${Date.now()}`);
  try {
    await saveModel(files.model, join(tmp, RUN_FILES.model));
    await writeFile(join(tmp, OPTIMIZER_FILE), files.optimizerBytes);
    if (files.bestDir) await linkModel(files.bestDir, join(tmp, RUN_FILES.best));
    await writeFile(join(tmp, STATE_FILE), toJson(files.state));
    // Flushed before the rename so the new name never points at data still only in the page cache.
    for (const f of [
      join(RUN_FILES.model, WEIGHTS_BIN),
      join(RUN_FILES.model, MODEL_JSON),
      OPTIMIZER_FILE,
      STATE_FILE,
    ]) {
      await syncFile(join(tmp, f));
    }
    const final = join(dir, checkpointName(epoch));
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(
      `${dir}: cannot write the resume checkpoint of epoch ${epoch} (${(err as Error).message})`,
    );
  }
  for (const name of await readdir(dir)) {
    const m = CHECKPOINT.exec(name);
    if ((m && Number(m[1]) < epoch) || name.startsWith(TEMP_PREFIX)) {
      await rm(join(dir, name), { recursive: true, force: true });
    }
  }
  return join(dir, checkpointName(epoch));
}

/**
 * The newest complete checkpoint folder in `dir` (temp folders of an interrupted write are ignored), or null
 * when there is none yet.
 */
export async function newestCheckpointDir(dir: string): Promise<string | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
  const epochs = names
    .map((n) => CHECKPOINT.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  return epochs.length > 0 ? join(dir, epochs[0][0]) : null;
}

/** Replaces `to` (a run's best/ folder) with a checkpoint's copy: each file temp + rename, weights first. */
export async function restoreModelFolder(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const f of [WEIGHTS_BIN, MODEL_JSON]) {
    const tmp = join(to, `.${f}.${process.pid}.tmp`);
    await copyFile(join(from, f), tmp);
    await rename(tmp, join(to, f));
  }
}
