import { encodeNifti } from '@ct3d/io';
import type { GradCamResult, tf } from '@ct3d/model';
import { loadRunModel } from './run-model.js';
import type { RunStore } from './runs.js';
import type { ScanStore } from './scans.js';

/** A heat map with what it explains, and as the viewer loads it: NIfTI bytes on the cached scan's grid. */
export type HeatMap = Omit<GradCamResult, 'cam'> & { method: string; modelDir: string; nifti: Uint8Array };

/**
 * Loads each run's model once and keeps the heat maps of the last few (run, scan) pairs: the map the run's page
 * shows (`interactiveExplanation`: `ct3d explain`'s default, or Grad-CAM where occlusion would take minutes).
 */
export class HeatMapStore {
  private readonly models = new Map<string, Promise<{ model: tf.LayersModel; dir: string }>>();
  private readonly cams = new Map<string, Promise<HeatMap>>();

  constructor(
    private readonly runs: RunStore,
    private readonly scans: ScanStore,
    private readonly keep = 4,
  ) {}

  get(run: string, scanId: string): Promise<HeatMap> {
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

  private async compute(run: string, scanId: string): Promise<HeatMap> {
    const { model, dir } = await this.model(run);
    const volume = await this.scans.volume(scanId);
    const { explain, interactiveExplanation } = await import('@ct3d/model');
    const how = interactiveExplanation(volume.shape);
    const { method } = how;
    const { cam, ...about } = await explain(model, volume, how);
    // The model's input is the cached scan itself: the map lies on its grid, under its affine.
    const nifti = encodeNifti(
      { ...volume, data: cam.data },
      { description: `ct3d ${method} ${about.layer}` },
    );
    return { ...about, method, modelDir: dir, nifti };
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
