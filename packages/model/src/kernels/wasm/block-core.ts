// The fused block's forward on raw heap offsets (used by both threads): conv into a transient buffer,
// then bias, relu and max-pool in one pass writing the pooled values and the winning window index.
import { type ConvGeom, convForwardInto } from './conv3d-core.js';
import type { Heap } from './heap.js';

export const pooledDims = (g: ConvGeom, p: number): [number, number, number] =>
  [g.d1 - g.f1 + 1, g.d2 - g.f2 + 1, g.d3 - g.f3 + 1].map((v) => Math.floor((v - p) / p) + 1) as [
    number,
    number,
    number,
  ];

export const pooledSize = (g: ConvGeom, p: number): number =>
  g.n * pooledDims(g, p).reduce((a, b) => a * b, 1) * g.outC;

/** pooled/arg (byte offsets, [n, q1, q2, q3, outC]) = maxPool_p(relu(conv(x) + bias)), arg -1 if <= 0. */
export function blockForwardInto(
  heap: Heap,
  g: ConvGeom,
  p: number,
  xPtr: number,
  wId: number,
  biasPtr: number,
  outPtr: number,
  argPtr: number,
): void {
  const o = [g.d1 - g.f1 + 1, g.d2 - g.f2 + 1, g.d3 - g.f3 + 1];
  const c = g.outC;
  const q = pooledDims(g, p);
  const convPtr = heap.alloc(g.n * o[0] * o[1] * o[2] * c);
  try {
    convForwardInto(heap, g, xPtr, wId, convPtr);
    const h = heap.f32;
    const hi = new Int32Array(h.buffer);
    const cF = convPtr >>> 2;
    const bF = biasPtr >>> 2;
    let yF = outPtr >>> 2;
    let aF = argPtr >>> 2;
    for (let n = 0; n < g.n; n++)
      for (let i = 0; i < q[0]; i++)
        for (let j = 0; j < q[1]; j++)
          for (let l = 0; l < q[2]; l++, yF += c, aF += c) {
            for (let ch = 0; ch < c; ch++) {
              h[yF + ch] = 0;
              hi[aF + ch] = -1;
            }
            let w = 0;
            for (let a = 0; a < p; a++)
              for (let b = 0; b < p; b++)
                for (let e = 0; e < p; e++, w++) {
                  const src = cF + (((n * o[0] + i * p + a) * o[1] + j * p + b) * o[2] + l * p + e) * c;
                  for (let ch = 0; ch < c; ch++) {
                    const v = h[src + ch] + h[bF + ch];
                    // relu then max, ties to the last: only strictly positive values can win.
                    if (v > 0 && v >= h[yF + ch]) {
                      h[yF + ch] = v;
                      hi[aF + ch] = w;
                    }
                  }
                }
          }
  } finally {
    heap.free(convPtr);
  }
}
