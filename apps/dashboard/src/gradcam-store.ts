import { join } from 'node:path';
import type { GradCamResult, tf } from '@ct3d/model';
import { MODEL_DIRS } from '@ct3d/train/run-folder';
import { openGuarded, READ_LIMITS, readGuarded } from './guarded-read.js';
import { HttpError } from './http-error.js';
import { PathRefused, relativeSegments } from './paths.js';
import type { RunStore } from './runs.js';
import type { ScanStore } from './scans.js';

/** The model folder of a run: best/ (the best checkpoint) when saved, else model/ (the final weights). */
export async function runModelDir(runDir: string): Promise<string> {
  for (const name of MODEL_DIRS) {
    const found = await openGuarded(runDir, [name, 'model.json'], READ_LIMITS.json).catch(() => null);
    await found?.handle.close();
    if (found) return join(runDir, name);
  }
  throw new PathRefused(
    404,
    'no best/model.json or model/model.json in the run (train with a run folder first)',
  );
}

/**
 * Checks, through the guarded read, that model.json and every weight file it names lie inside the run
 * folder, are regular files and are not huge, before the model loader (which trusts them) reads them.
 */
async function checkModelFiles(runDir: string, modelDir: string): Promise<void> {
  const sub = modelDir.slice(runDir.length + 1);
  const text = (await readGuarded(runDir, [sub, 'model.json'], READ_LIMITS.json)).toString('utf8');
  let json: { weightsManifest?: { paths?: unknown }[] };
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HttpError(500, `${sub}/model.json: ${(err as Error).message}`);
  }
  const paths = (json.weightsManifest ?? []).flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []));
  for (const p of paths) {
    // Saved as "./weights.bin": a leading "." is harmless; ".." and absolute paths are refused.
    const relative = String(p).replace(/^(\.\/)+/, '');
    const file = await openGuarded(runDir, [sub, ...relativeSegments(relative)], READ_LIMITS.scan);
    await file.handle.close();
  }
}

/** Loads each run's model once and keeps the heatmaps of the last few (run, scan) pairs. */
export class GradCamStore {
  private readonly models = new Map<string, Promise<{ model: tf.LayersModel; dir: string }>>();
  private readonly cams = new Map<string, Promise<GradCamResult & { modelDir: string }>>();

  constructor(
    private readonly runs: RunStore,
    private readonly scans: ScanStore,
    private readonly keep = 4,
  ) {}

  get(run: string, scanId: string): Promise<GradCamResult & { modelDir: string }> {
    const key = JSON.stringify([run, scanId]);
    let cam = this.cams.get(key);
    if (!cam) {
      cam = this.compute(run, scanId);
      cam.catch(() => this.cams.delete(key));
      this.cams.set(key, cam);
      if (this.cams.size > this.keep) this.cams.delete(this.cams.keys().next().value!);
    }
    return cam;
  }

  private async compute(run: string, scanId: string): Promise<GradCamResult & { modelDir: string }> {
    const { model, dir } = await this.model(run);
    const volume = await this.scans.volume(scanId);
    const { gradCam } = await import('@ct3d/model');
    return { ...(await gradCam(model, volume)), modelDir: dir };
  }

  private model(run: string): Promise<{ model: tf.LayersModel; dir: string }> {
    let m = this.models.get(run);
    if (!m) {
      m = (async () => {
        const runDir = await this.runs.runDir(run);
        const dir = await runModelDir(runDir);
        await checkModelFiles(runDir, dir);
        // tfjs loads on the first heat map only: serving and replaying runs never needs it.
        const { loadModel } = await import('@ct3d/model');
        const model = await loadModel(dir).catch((err: unknown): never => {
          // The loader's message names absolute paths: the client gets the run-relative folder only.
          throw new HttpError(500, `run ${run}: ${dir.slice(runDir.length + 1)}/ model cannot be loaded`, {
            cause: err,
          });
        });
        return { model, dir };
      })();
      m.catch(() => this.models.delete(run));
      this.models.set(run, m);
    }
    return m;
  }
}
