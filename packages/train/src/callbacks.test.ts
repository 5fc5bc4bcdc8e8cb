import { describe, expect, it } from 'vitest';
import { BestCheckpoint, EarlyStopping, resolveMode } from './callbacks.js';

// The seed's printed run (Keras 3): val_acc / val_loss of epochs 1..28; EarlyStopping(val_acc, patience=15)
// stopped it after epoch 28, 15 epochs after its best val_acc (0.7833 at epoch 13).
const SEED_VAL_ACC = [
  0.5, 0.5, 0.5, 0.5, 0.5667, 0.6667, 0.5667, 0.6667, 0.6, 0.65, 0.7, 0.7167, 0.7833, 0.7167, 0.6167, 0.7167,
  0.5667, 0.6667, 0.5833, 0.7167, 0.7167, 0.5667, 0.5167, 0.7167, 0.6333, 0.65, 0.5, 0.65,
];
const SEED_VAL_LOSS = [
  0.8744, 1.2741, 1.4767, 1.2609, 0.647, 0.6022, 0.6788, 0.609, 0.6535, 0.6204, 0.6218, 0.5069, 0.5182,
  0.5613, 0.6184, 0.5258, 0.8481, 0.5709, 0.673, 0.571, 0.5444, 0.7919, 0.9527, 0.5333, 1.0172, 0.6926,
  3.3032, 0.6438,
];

describe('EarlyStopping', () => {
  it('stops the seed run after epoch 28 with best epoch 13', () => {
    const es = new EarlyStopping();
    let stoppedAt = 0;
    for (let e = 1; e <= 100 && !stoppedAt; e++) {
      if (es.update(e, { val_acc: SEED_VAL_ACC[e - 1] ?? 0.5 })) stoppedAt = e;
    }
    expect(stoppedAt).toBe(28);
    expect(es.bestEpoch).toBe(13);
    expect(es.best).toBe(0.7833);
    expect(es.stoppedEpoch).toBe(28);
  });

  it('needs a strict improvement beyond minDelta to reset the wait', () => {
    const es = new EarlyStopping({ monitor: 'val_acc', patience: 2, minDelta: 0.05 });
    expect(es.update(1, { val_acc: 0.5 })).toBe(false);
    expect(es.update(2, { val_acc: 0.55 })).toBe(false); // +0.05 is not > 0.05
    expect(es.wait).toBe(1);
    expect(es.update(3, { val_acc: 0.5 })).toBe(true);
    expect(es.bestEpoch).toBe(1);
  });

  it('does not reset on ties and never stops after the first epoch', () => {
    const es = new EarlyStopping({ patience: 0 });
    expect(es.update(1, { val_acc: 0.5 })).toBe(false);
    expect(es.update(2, { val_acc: 0.5 })).toBe(true);
    const nan = new EarlyStopping({ patience: 1 });
    expect(nan.update(1, { val_acc: Number.NaN })).toBe(false);
    expect(nan.update(2, { val_acc: Number.NaN })).toBe(true);
  });

  it('minimises losses in auto mode and reports a missing metric', () => {
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 1 });
    expect(es.mode).toBe('min');
    es.update(1, { val_loss: 1 });
    expect(es.update(2, { val_loss: 0.9 })).toBe(false);
    expect(es.update(3, { val_loss: 0.95 })).toBe(true);
    expect(() => es.update(4, { loss: 1 })).toThrow(/"val_loss" is not in the epoch logs \(have: loss\)/);
  });
});

describe('BestCheckpoint', () => {
  it('saves the seed run at epochs 1, 5, 6 and 12 (val_loss, save_best_only)', () => {
    const ck = new BestCheckpoint();
    const saved = SEED_VAL_LOSS.map((v, i) => (ck.update(i + 1, { val_loss: v }) ? i + 1 : 0)).filter(
      Boolean,
    );
    expect(saved).toEqual([1, 5, 6, 12]);
    expect(ck.bestEpoch).toBe(12);
    expect(ck.best).toBe(0.5069);
  });

  it('does not save on equal or NaN values; max mode for accuracy', () => {
    const ck = new BestCheckpoint({ monitor: 'val_auc' });
    expect(ck.mode).toBe('max');
    expect(ck.update(1, { val_auc: 0.7 })).toBe(true);
    expect(ck.update(2, { val_auc: 0.7 })).toBe(false);
    expect(ck.update(3, { val_auc: Number.NaN })).toBe(false);
    expect(ck.update(4, { val_auc: 0.71 })).toBe(true);
    expect(resolveMode('loss')).toBe('min');
    expect(resolveMode('val_loss', 'max')).toBe('max');
  });
});
