// The run folder as fit's checkpoint store: what must be saved at one exact moment of training (the best
// weights, the final weights, the first training sample, a resume point) is handed here and awaited before
// training goes on. fit knows no file names; the layout is run-folder/layout.ts.
import { saveModel, type tf } from '@ct3d/model';
import { type MontageScan, writeMontagePng } from '../png/index.js';
import type { ResumeState } from '../resume-state.js';
import { type RunPaths, runPaths } from './layout.js';
import { writeCheckpoint } from './resume-files.js';

export interface ResumePointFiles {
  model: tf.LayersModel;
  optimizerBytes: Uint8Array;
  state: ResumeState;
}

export class RunFolderStore {
  readonly paths: RunPaths;

  constructor(runDir: string) {
    this.paths = runPaths(runDir);
  }

  /** The best model so far (replaces the previous one); returns its folder. */
  async saveBest(model: tf.LayersModel): Promise<string> {
    await saveModel(model, this.paths.best);
    return this.paths.best;
  }

  /** The final weights; returns their folder. */
  async saveFinal(model: tf.LayersModel): Promise<string> {
    await saveModel(model, this.paths.model);
    return this.paths.model;
  }

  /** The seed's montage of the first training scan. */
  saveSample(scan: MontageScan): Promise<void> {
    return writeMontagePng(this.paths.montage, scan);
  }

  /** A finished epoch's resume checkpoint (with hard links to best/ when one exists); returns its folder. */
  saveResumePoint(epoch: number, files: ResumePointFiles): Promise<string> {
    return writeCheckpoint(this.paths.resume, epoch, {
      ...files,
      bestDir: files.state.bestPath ? this.paths.best : null,
    });
  }
}
