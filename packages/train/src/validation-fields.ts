import { type Evaluation, isMulticlass } from './evaluate.js';
import type { EpochEndEvent } from './events.js';

/** The validation part of an epochEnd event. */
export type ValidationFields = Omit<
  EpochEndEvent,
  'type' | 'epoch' | 'epochs' | 'steps' | 'acc' | 'loss' | 'ms' | 'msPerStep' | 'valMs' | 'bnStatsMs' | 'lr'
>;

/**
 * An evaluation as epochEnd fields. Binary: the seed's val_acc, val_loss, val_auc, sensitivity,
 * specificity, confusion counts and per-scan probabilities of class 1. Multi-class: val_acc, val_loss
 * (categorical), val_auc (macro one-vs-rest), macro precision/recall/F1, per-class metrics named by
 * `classNames`, the k x k confusion matrix and per-scan probability rows.
 */
export function validationFields(val: Evaluation, classNames: readonly string[] = []): ValidationFields {
  if (!isMulticlass(val)) {
    const c = val.confusion;
    const oneClass = c.tp + c.fp === 0 ? 0 : c.tn + c.fn === 0 ? 1 : null;
    return {
      val_acc: val.acc,
      val_loss: val.loss,
      val_auc: val.auc,
      val_sensitivity: val.sensitivity,
      val_specificity: val.specificity,
      ...(oneClass !== null && val.n > 1 && { val_one_class: oneClass }),
      confusion: val.confusion,
      predictions: val.ids.map((id, i) => ({ id, label: val.labels[i], prob: val.probabilities[i] })),
    };
  }
  return {
    val_acc: val.acc,
    val_loss: val.loss,
    val_auc: val.auc,
    val_macro_precision: val.macro.precision,
    val_macro_recall: val.macro.recall,
    val_macro_f1: val.macro.f1,
    val_per_class: val.perClass.map((m, c) => ({ name: classNames[c] ?? `class ${c}`, ...m })),
    ...(val.predicted.length > 1 &&
      val.predicted.every((p) => p === val.predicted[0]) && { val_one_class: val.predicted[0] }),
    confusionMatrix: val.confusion,
    classPredictions: val.ids.map((id, i) => ({
      id,
      label: val.labels[i],
      pred: val.predicted[i],
      probs: val.probabilities[i],
    })),
  };
}
