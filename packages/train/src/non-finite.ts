import type { tf } from '@ct3d/model';

/**
 * Training met a NaN or infinite loss or weight: the run stops here (nothing more is saved, so the last
 * good checkpoint stays as it was) with a one-line message naming where.
 */
export class NonFiniteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteError';
  }
}

const KEPT = 'training stopped, the last good checkpoint is kept';

/** "scans a, b, c" (at most 8 named) for a batch's ids, or "" when the batch has none. */
function scansOf(ids: readonly string[] | undefined): string {
  if (!ids || ids.length === 0 || ids.every((id) => id === '')) return '';
  const shown = ids.slice(0, 8).join(', ');
  return ` (scans ${shown}${ids.length > 8 ? `, +${ids.length - 8} more` : ''})`;
}

/** Throws when a training step's loss is NaN or infinite. */
export function checkStepLoss(loss: number, epoch: number, step: number, ids?: readonly string[]): void {
  if (Number.isFinite(loss)) return;
  throw new NonFiniteError(`fit: loss is ${loss} at epoch ${epoch} step ${step}${scansOf(ids)}; ${KEPT}`);
}

/** Throws when the validation loss is NaN or infinite, naming the scans whose predictions are NaN. */
export function checkValidationLoss(
  loss: number,
  epoch: number,
  predictions: readonly (number | readonly number[])[],
  ids: readonly string[],
): void {
  if (Number.isFinite(loss)) return;
  const bad = ids.filter((_, i) => {
    const p = predictions[i];
    return typeof p === 'number' ? !Number.isFinite(p) : p.some((v) => !Number.isFinite(v));
  });
  throw new NonFiniteError(`fit: validation loss is ${loss} after epoch ${epoch}${scansOf(bad)}; ${KEPT}`);
}

/** Names of the model's weights holding a NaN or infinite value (one small read per weight). */
export async function nonFiniteWeights(model: tf.LayersModel): Promise<string[]> {
  const bad: string[] = [];
  for (const w of model.weights) {
    const values = await w.read().data();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        bad.push(w.name);
        break;
      }
    }
  }
  return bad;
}

/** Throws when any weight is non-finite; `where` says when ("after epoch 3 step 12", "in the checkpoint X"). */
export async function checkWeights(model: tf.LayersModel, where: string): Promise<void> {
  const bad = await nonFiniteWeights(model);
  if (bad.length === 0) return;
  const names = `${bad.slice(0, 3).join(', ')}${bad.length > 3 ? `, +${bad.length - 3} more` : ''}`;
  throw new NonFiniteError(`fit: non-finite weights (${names}) ${where}; ${KEPT}`);
}
