// The fused block's forward on raw heap offsets (used by both threads): conv into a transient buffer,
// then bias, relu and max-pool in one pass writing the pooled values and the winning window index.
// With Winograd the conv output stays in the Winograd module's memory and is pooled from there.
import { type ConvGeom, convForwardInto, useWinograd } from './conv3d-core.js';
import type { Heap } from './heap.js';
import { winograd } from './winograd.js';

export const pooledDims = (g: ConvGeom, p: number): [number, number, number] =>
  [g.d1 - g.f1 + 1, g.d2 - g.f2 + 1, g.d3 - g.f3 + 1].map((v) => Math.floor((v - p) / p) + 1) as [
    number,
    number,
    number,
  ];

export const pooledSize = (g: ConvGeom, p: number): number =>
  g.n * pooledDims(g, p).reduce((a, b) => a * b, 1) * g.outC;

/**
 * pooled/arg (byte offsets, [n, q1, q2, q3, outC]) = maxPool_p(relu(conv(x) + bias)), arg -1 if <= 0.
 * The filter is at wPtr (byte offset), also registered as wId for XNNPACK.
 */
export function blockForwardInto(
  heap: Heap,
  g: ConvGeom,
  p: number,
  xPtr: number,
  wId: number,
  biasPtr: number,
  outPtr: number,
  argPtr: number,
  wPtr: number,
): void {
  const convSize = g.n * (g.d1 - g.f1 + 1) * (g.d2 - g.f2 + 1) * (g.d3 - g.f3 + 1) * g.outC;
  if (useWinograd(g)) {
    const x = heap.f32.subarray(xPtr >>> 2, (xPtr >>> 2) + g.n * g.d1 * g.d2 * g.d3 * g.c);
    const w = heap.f32.subarray(wPtr >>> 2, (wPtr >>> 2) + 27 * g.c * g.outC);
    if (p === 2) {
      // pooled in the Winograd output transform: one output tile is one pool window
      const size = pooledSize(g, p);
      winograd().forwardPool(
        g,
        x,
        w,
        heap.f32.subarray(biasPtr >>> 2, (biasPtr >>> 2) + g.outC),
        heap.f32.subarray(outPtr >>> 2, (outPtr >>> 2) + size),
        new Int32Array(heap.f32.buffer, argPtr, size),
      );
    } else winograd().forward(g, x, w, (conv) => biasReluPool(heap, g, p, conv, 0, biasPtr, outPtr, argPtr));
    return;
  }
  const convPtr = heap.alloc(convSize);
  try {
    convForwardInto(heap, g, xPtr, wId, convPtr, wPtr);
    biasReluPool(heap, g, p, heap.f32, convPtr >>> 2, biasPtr, outPtr, argPtr);
  } finally {
    heap.free(convPtr);
  }
}

/** Pools relu(conv + bias) from conv (float array, float offset cF) into the heap's pooled/arg buffers. */
function biasReluPool(
  heap: Heap,
  g: ConvGeom,
  p: number,
  conv: Float32Array,
  cF: number,
  biasPtr: number,
  outPtr: number,
  argPtr: number,
): void {
  const o = [g.d1 - g.f1 + 1, g.d2 - g.f2 + 1, g.d3 - g.f3 + 1];
  const c = g.outC;
  const q = pooledDims(g, p);
  const h = heap.f32;
  const hi = new Int32Array(h.buffer);
  const bias = h.slice(biasPtr >>> 2, (biasPtr >>> 2) + c);
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
                  const v = conv[src + ch] + bias[ch];
                  // relu then max, ties to the last: only strictly positive values can win.
                  if (v > 0 && v >= h[yF + ch]) {
                    h[yF + ch] = v;
                    hi[aF + ch] = w;
                  }
                }
              }
        }
}

/** The block's gradients go straight from the pooled gradient (no scatter) where Winograd pools. */
export const blockGradFused = (g: ConvGeom, p: number): boolean =>
  p === 2 && g.outC <= 1024 && useWinograd(g);

/** Floats of the packed pooled gradient: per sample, dy [q1, q2, q3, outC] then the int32 window indices. */
export const packedSize = (g: ConvGeom): number => 2 * pooledSize(g, 2);

/** dx (byte offset, input shape) of the block from the packed pooled gradient (byte offset). */
export function blockInputGradInto(
  heap: Heap,
  g: ConvGeom,
  packedPtr: number,
  wPtr: number,
  dxPtr: number,
): void {
  const f = heap.f32;
  const w = f.subarray(wPtr >>> 2, (wPtr >>> 2) + 27 * g.c * g.outC);
  const dx = f.subarray(dxPtr >>> 2, (dxPtr >>> 2) + g.n * g.d1 * g.d2 * g.d3 * g.c);
  winograd().inputGrad(g, f.subarray(packedPtr >>> 2, (packedPtr >>> 2) + packedSize(g)), w, dx, true);
}

/** dW ([3,3,3,C,O]) then dBias ([O]) of the block from x and the packed pooled gradient (byte offsets). */
export function blockFilterGrad(heap: Heap, g: ConvGeom, xPtr: number, packedPtr: number): Float32Array {
  const f = heap.f32;
  const x = f.subarray(xPtr >>> 2, (xPtr >>> 2) + g.n * g.d1 * g.d2 * g.d3 * g.c);
  return winograd().filterGrad(g, x, f.subarray(packedPtr >>> 2, (packedPtr >>> 2) + packedSize(g)), true);
}
