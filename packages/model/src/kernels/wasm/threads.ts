// Two-core conv kernels: wasm is single-threaded, so a helper thread with its own wasm instance takes the
// last floor(n/2) samples of each conv call while the calling thread does the rest (Node: a worker thread;
// pages run on one thread, see platform/browser.ts).

import { platform } from '#platform';
import type { ConvHelper } from '../../platform/platform.js';
import { blockFilterGrad, blockForwardInto, blockInputGradInto } from './block-core.js';
import { type ConvJobKind, jobSizes } from './conv-job.js';
import { type ConvGeom, convFilterGrad, convForwardInto, convInputGradInto } from './conv3d-core.js';
import type { Heap } from './heap.js';

let threads = platform.defaultConvThreads();
let current: ConvHelper | null = null;

/** 1: everything on the calling thread; 2 (default on >= 2 Node cores): split each conv's batch with a helper. */
export function setConvThreads(n: 1 | 2): void {
  threads = n;
  if (n === 1) void disposeConvWorker();
}

/** How many threads the wasm conv kernels use (1 or 2). */
export function getConvThreads(): number {
  return threads;
}

export async function disposeConvWorker(): Promise<void> {
  const w = current;
  current = null;
  if (w) await w.dispose();
}

/**
 * Starts the helper now, where there is one and threads = 2, and waits until it is ready: a helper that
 * cannot start is a one-line error here (initBackend then runs the kernels on one thread), not inside a
 * kernel call.
 */
export async function startConvWorker(): Promise<void> {
  if (threads < 2) return;
  const h = helper();
  try {
    await h?.ready();
  } catch (err) {
    if (current === h) current = null;
    await h?.dispose();
    throw err;
  }
}

/** The helper, started on first use; null where the platform has none (then everything runs here). */
function helper(): ConvHelper | null {
  current ??= platform.startConvHelper();
  return current;
}

/** Extra operands of a 'block' call: bias (byte offset), pool size, int32 index output (byte offset). */
export interface BlockExtras {
  biasPtr: number;
  pool: number;
  argPtr: number;
}

/** Runs `kind` over the batch, split between this thread and the worker. Pointers are byte offsets. */
export function runSplit(
  heap: Heap,
  kind: ConvJobKind,
  g: ConvGeom,
  aPtr: number,
  bPtr: number,
  bId: number,
  outPtr: number,
  block?: BlockExtras,
): Float32Array | null {
  const pool = block?.pool ?? 2;
  const w = threads >= 2 && g.n >= 2 ? helper() : null;
  const nW = w ? Math.floor(g.n / 2) : 0;
  const gMain: ConvGeom = { ...g, n: g.n - nW };
  const gW: ConvGeom = { ...g, n: nW };
  const sMain = jobSizes(kind, gMain, pool);
  const sW = jobSizes(kind, gW, pool);
  let sab: SharedArrayBuffer | null = null;
  if (w) {
    sab = w.buffer(sW.a + sW.b + sW.out);
    const shared = new Float32Array(sab);
    const h = heap.f32;
    // The worker's samples follow the main thread's ones; filters (kind != filterGrad) are whole.
    shared.set(h.subarray((aPtr >>> 2) + sMain.a, (aPtr >>> 2) + sMain.a + sW.a), 0);
    const bSkip = kind === 'filterGrad' || kind === 'blockFilterGrad' ? sMain.b : 0;
    if (block) {
      const wSize = sW.b - g.outC;
      shared.set(h.subarray(bPtr >>> 2, (bPtr >>> 2) + wSize), sW.a);
      shared.set(h.subarray(block.biasPtr >>> 2, (block.biasPtr >>> 2) + g.outC), sW.a + wSize);
    } else shared.set(h.subarray((bPtr >>> 2) + bSkip, (bPtr >>> 2) + bSkip + sW.b), sW.a);
    try {
      w.post({ kind, geom: gW, pool });
    } catch (err) {
      void disposeConvWorker();
      throw err;
    }
  }
  let dw: Float32Array | null = null;
  if (kind === 'forward') convForwardInto(heap, gMain, aPtr, bId, outPtr, bPtr);
  else if (kind === 'block' && block)
    blockForwardInto(heap, gMain, pool, aPtr, bId, block.biasPtr, outPtr, block.argPtr, bPtr);
  else if (kind === 'inputGrad') convInputGradInto(heap, gMain, aPtr, bPtr, outPtr);
  else if (kind === 'blockInputGrad') blockInputGradInto(heap, gMain, aPtr, bPtr, outPtr);
  else if (kind === 'blockFilterGrad') dw = blockFilterGrad(heap, gMain, aPtr, bPtr);
  else dw = convFilterGrad(heap, gMain, aPtr, bPtr);
  if (w && sab) {
    try {
      w.wait(kind);
    } catch (err) {
      void disposeConvWorker();
      throw err;
    }
    const result = new Float32Array(sab, (sW.a + sW.b) * 4, sW.out);
    if (dw) for (let i = 0; i < dw.length; i++) dw[i] += result[i];
    else if (block) {
      // pooled values then int32 indices (copied bit for bit through the float view)
      const half = sW.out / 2;
      const mainHalf = sMain.out / 2;
      heap.f32.set(result.subarray(0, half), (outPtr >>> 2) + mainHalf);
      new Int32Array(heap.f32.buffer).set(
        new Int32Array(sab, (sW.a + sW.b + half) * 4, half),
        (block.argPtr >>> 2) + mainHalf,
      );
    } else heap.f32.set(result, (outPtr >>> 2) + sMain.out);
  }
  return dw;
}
