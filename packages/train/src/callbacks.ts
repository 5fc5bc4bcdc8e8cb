/** Per-epoch logs as a metric name -> value map (acc, loss, val_acc, val_loss, val_auc, ...). */
export type EpochLogs = Readonly<Record<string, number>>;

/** Whether a monitored metric improves by falling or rising; `auto` decides from its name, as Keras does. */
export type MonitorMode = 'auto' | 'min' | 'max';

/** Keras' 'auto' mode: accuracy-like metrics are maximised, everything else (losses) minimised. */
export function resolveMode(monitor: string, mode: MonitorMode = 'auto'): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /acc|auc|sensitivity|specificity|precision|recall/.test(monitor) ? 'max' : 'min';
}

function monitored(logs: EpochLogs, monitor: string, who: string): number {
  const value = logs[monitor];
  if (typeof value !== 'number') {
    const have = Object.keys(logs).join(', ');
    throw new Error(`${who}: metric "${monitor}" is not in the epoch logs (have: ${have})`);
  }
  return value;
}

/** Keras EarlyStopping's settings. */
export interface EarlyStoppingOptions {
  /** Default 'val_acc' (the seed). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 15, the seed). */
  patience?: number;
  /** An improvement must beat the best by more than this (default 0). */
  minDelta?: number;
  mode?: MonitorMode;
}

/**
 * keras.callbacks.EarlyStopping as a pure tracker. Each epoch the wait counter grows; a value that beats
 * the best by more than minDelta (strictly) becomes the best and resets it; training stops once
 * wait >= patience (never after the first epoch). Epochs are 1-based.
 */
export class EarlyStopping {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  best: number;
  bestEpoch = 0;
  wait = 0;
  stoppedEpoch = 0;

  constructor(opts: EarlyStoppingOptions = {}) {
    this.monitor = opts.monitor ?? 'val_acc';
    this.patience = opts.patience ?? 15;
    this.minDelta = Math.abs(opts.minDelta ?? 0);
    this.mode = resolveMode(this.monitor, opts.mode);
    this.best = this.mode === 'max' ? -Infinity : Infinity;
    if (!(this.patience >= 0))
      throw new RangeError(`EarlyStopping: patience must be >= 0, got ${this.patience}`);
  }

  private isImprovement(value: number): boolean {
    return this.mode === 'max' ? value - this.minDelta > this.best : value + this.minDelta < this.best;
  }

  /** Records an epoch's logs; returns true when training should stop after this epoch. */
  update(epoch: number, logs: EpochLogs): boolean {
    const value = monitored(logs, this.monitor, 'EarlyStopping');
    this.wait += 1;
    if (this.isImprovement(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return false;
    }
    if (this.wait >= this.patience && epoch > 1) {
      this.stoppedEpoch = epoch;
      return true;
    }
    return false;
  }
}

/** Keras ModelCheckpoint(save_best_only)'s settings. */
export interface BestCheckpointOptions {
  /** Default 'val_loss' (Keras ModelCheckpoint's default, used by the seed). */
  monitor?: string;
  mode?: MonitorMode;
}

/**
 * keras.callbacks.ModelCheckpoint(save_best_only=True) decision as a pure tracker: save when the monitored
 * value is strictly better than every earlier epoch's (NaN never is).
 */
export class BestCheckpoint {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  best: number;
  bestEpoch = 0;

  constructor(opts: BestCheckpointOptions = {}) {
    this.monitor = opts.monitor ?? 'val_loss';
    this.mode = resolveMode(this.monitor, opts.mode);
    this.best = this.mode === 'max' ? -Infinity : Infinity;
  }

  /** Records an epoch's logs; returns true when this epoch's model should be saved as the best. */
  update(epoch: number, logs: EpochLogs): boolean {
    const value = monitored(logs, this.monitor, 'BestCheckpoint');
    const better = this.mode === 'max' ? value > this.best : value < this.best;
    if (!better) return false;
    this.best = value;
    this.bestEpoch = epoch;
    return true;
  }
}
