/** A data range [lo, hi] and the "nice" tick values inside it. */
export interface Scale {
  lo: number;
  hi: number;
  ticks: number[];
  decimals: number;
}

/** Smallest of 1, 2, 2.5, 5, 10 x 10^k that is >= span / target (matplotlib-like tick steps). */
export function niceStep(span: number, target: number, integer = false): number {
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const steps = [1, 2, 2.5, 5, 10].map((m) => m * mag).filter((s) => !integer || Number.isInteger(s));
  const step = steps.find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  return integer ? Math.max(1, step) : step;
}

function decimalsFor(step: number): number {
  if (step >= 1 && Number.isInteger(step)) return 0;
  for (let d = 0; d <= 10; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  return 10;
}

/**
 * Axis scale for the finite values: the data range padded by 5% each side (matplotlib's default margin),
 * a degenerate range widened, and about `target` ticks.
 */
export function autoScale(
  values: readonly number[],
  opts: { target?: number; integer?: boolean } = {},
): Scale {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi - lo < 1e-12) {
    const pad = Math.max(Math.abs(lo) * 0.05, opts.integer ? 0.5 : 0.05);
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, opts.target ?? 6, opts.integer);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return { lo, hi, ticks, decimals: decimalsFor(step) };
}

/** Maps a data value into pixel space [p0, p1] (p1 may be < p0 for a y axis). */
export function project(v: number, s: Scale, p0: number, p1: number): number {
  return p0 + ((v - s.lo) / (s.hi - s.lo)) * (p1 - p0);
}
