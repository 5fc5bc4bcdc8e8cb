// The names of a run folder's files, with no import: browser code (the training page's download) uses them too.

/** The name of every file and folder of a run folder. */
export const RUN_FILES = {
  /** Settings, split, classes and the reproducibility record (RunInfo). */
  info: 'run.json',
  /** Every training event, one JSON object a line. */
  events: 'events.jsonl',
  /** Keras-like per-epoch metrics. */
  history: 'history.json',
  /** Best epoch and its metrics, last epoch, early stop, settings. */
  metrics: 'metrics.json',
  /** The seed's accuracy and loss panels. */
  curves: 'curves.png',
  /** The seed's 4 x 10 montage of the first augmented training scan. */
  montage: 'montage.png',
  /** The best checkpoint (a saved model folder). */
  best: 'best',
  /** The final weights (a saved model folder). */
  model: 'model',
  /** Resume checkpoints, one folder per finished epoch (epoch-NNNN/). */
  resume: 'resume',
} as const;
