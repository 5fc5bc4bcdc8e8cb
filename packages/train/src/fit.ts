// fit: the training loop (fit-loop.ts) with the run folder as its persistence.
import type { Observable } from 'rxjs';
import type { TrainEvent } from './events.js';
import { type FitOptions, fitWith } from './fit-loop.js';
import { restoreTraining, saveResumePoint } from './resume.js';
import { RunFolderStore } from './run-folder/store.js';

export { type FitOptions, fitToEnd } from './fit-loop.js';

/**
 * Trains `model` like the seed's model.fit: Adam + binary cross-entropy, per-step learning-rate schedule,
 * validation metrics each epoch, best checkpoint on val_loss, early stopping on val_acc; the run folder
 * (`runDir`) keeps the checkpoints and resume points.
 * Cold: each subscription starts its own run (on the next macrotask, so synchronous subscribers of a
 * shared stream all see runStart); unsubscribing stops it after the current step and closes the batch
 * source. Share one run between subscribers with `fit(opts).pipe(share())`.
 */
export function fit(opts: FitOptions): Observable<TrainEvent> {
  const store = opts.runDir ? new RunFolderStore(opts.runDir) : null;
  return fitWith(opts, {
    store,
    restore: (parts) => restoreTraining(opts.resume?.from, parts),
    saveResumePoint: (point) => saveResumePoint(opts.resume, point, store),
  });
}
