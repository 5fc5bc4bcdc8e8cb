/**
 * Per-axis tables for scipy `ndimage.zoom(order=1, mode='constant', grid_mode=False)`.
 * Output index o samples input coordinate o * (inLen - 1) / (outLen - 1) (corner-aligned grid).
 * A coordinate outside [0, inLen - 1] (possible by float rounding at the far end) gives cval 0,
 * as scipy does; the upper tap at the last sample is mirrored and carries weight 0.
 */
export interface LinearTaps {
  /** Input index of the lower / upper tap. */
  lo: Int32Array;
  hi: Int32Array;
  /** Weights of the lower / upper tap; both 0 where the sample falls outside the input. */
  wLo: Float64Array;
  wHi: Float64Array;
  /** 1 where the output sample is inside the input (else the output is 0). */
  inside: Uint8Array;
  /** Zoom factor (input step per output step). */
  step: number;
}

/** scipy's mirror mapping of an out-of-range tap index (used only at the edges). */
export function mirrorIndex(idx: number, len: number): number {
  if (len <= 1) return 0;
  const s2 = 2 * len - 2;
  if (idx < 0) {
    idx = s2 * Math.trunc(-idx / s2) + idx;
    return idx <= 1 - len ? idx + s2 : -idx;
  }
  if (idx >= len) {
    idx -= s2 * Math.trunc(idx / s2);
    return idx >= len ? s2 - idx : idx;
  }
  return idx;
}

export function linearTaps(inLen: number, outLen: number): LinearTaps {
  // Same float64 arithmetic as scipy so edge decisions (coordinate > inLen - 1) agree exactly.
  const step = outLen > 1 ? (inLen - 1) / (outLen - 1) : 1;
  const t: LinearTaps = {
    lo: new Int32Array(outLen),
    hi: new Int32Array(outLen),
    wLo: new Float64Array(outLen),
    wHi: new Float64Array(outLen),
    inside: new Uint8Array(outLen),
    step,
  };
  for (let o = 0; o < outLen; o++) {
    const cc = o * step;
    if (cc < 0 || cc > inLen - 1) continue;
    const start = Math.floor(cc);
    const w0 = 1 - (cc - start);
    t.lo[o] = mirrorIndex(start, inLen);
    t.hi[o] = mirrorIndex(start + 1, inLen);
    t.wLo[o] = w0;
    t.wHi[o] = 1 - w0;
    t.inside[o] = 1;
  }
  return t;
}
