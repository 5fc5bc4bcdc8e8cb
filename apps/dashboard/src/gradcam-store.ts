import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { tf } from '@ct3d/model';
import type { GradCamResult } from './gradcam.js';
import { PathRefused } from './paths.js';
import type { RunStore } from './runs.js';
import type { ScanStore } from './scans.js';

/** The model folder of a run: best/ (the best checkpoint) when saved, else model/ (the final weights). */
export async function runModelDir(runDir: string): Promise<string> {
  for (const name of ['best', 'model']) {
    const dir = join(runDir, name);
    if (await stat(join(dir, 'model.json')).catch(() => null)) return dir;
  }
  throw new PathRefused(
    404,
    `${runDir}: no best/model.json or model/model.json (train with a run folder first)`,
  );
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
    const { gradCam } = await import('./gradcam.js');
    return { ...gradCam(model, volume), modelDir: dir };
  }

  private model(run: string): Promise<{ model: tf.LayersModel; dir: string }> {
    let m = this.models.get(run);
    if (!m) {
      m = (async () => {
        const dir = await runModelDir(await this.runs.runDir(run));
        // tfjs loads on the first heat map only: serving and replaying runs never needs it.
        const { loadModel } = await import('@ct3d/model');
        return { model: await loadModel(dir), dir };
      })();
      m.catch(() => this.models.delete(run));
      this.models.set(run, m);
    }
    return m;
  }
}
