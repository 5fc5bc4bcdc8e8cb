import type { GradCamResult, tf } from '@ct3d/model';
import { loadRunModel } from './run-model.js';
import type { RunStore } from './runs.js';
import type { ScanStore } from './scans.js';

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
        const loaded = await loadRunModel(this.runs.root, run, await this.runs.runSegments(run));
        return { model: loaded.model, dir: loaded.modelDir };
      })();
      m.catch(() => this.models.delete(run));
      this.models.set(run, m);
    }
    return m;
  }
}
