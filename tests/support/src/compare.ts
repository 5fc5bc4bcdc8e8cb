// Comparing computed arrays with references: the largest absolute difference, and a per-element
// relative-plus-absolute bound (numpy's allclose) that reports the first element out of it.

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let n = 0; n < a.length; n++) {
    const d = Math.abs(a[n] - b[n]);
    if (!(d <= m)) m = d; // NaN propagates as a failure
  }
  return m;
}

/**
 * Null when every |actual - expected| <= atol + rtol * |expected| (NaN never is), else a one-line
 * description of the worst element.
 */
export function closeMismatch(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: { rtol: number; atol: number },
): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  let worst = -1;
  let worstExcess = 0;
  let failed = 0;
  for (let i = 0; i < actual.length; i++) {
    const allowed = tol.atol + tol.rtol * Math.abs(expected[i]);
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= allowed)) {
      failed++;
      const excess = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d / allowed;
      if (excess > worstExcess || worst < 0) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (failed === 0) return null;
  return `${failed} of ${actual.length} elements differ by more than ${tol.atol} + ${tol.rtol} * |expected|; worst [${worst}]: ${actual[worst]} vs ${expected[worst]}`;
}
