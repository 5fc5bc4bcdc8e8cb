// Two-core conv kernels: wasm is single-threaded in Node, so a worker thread with its own wasm instance
// takes the last floor(n/2) samples of each conv call while the main thread does the rest. Kernels are
// synchronous, so the main thread blocks on Atomics.wait for the worker (never the other way round).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { siblingModule, workerPreload } from '@ct3d/core/node';
import { blockFilterGrad, blockForwardInto, blockInputGradInto } from './block-core.js';
import { type ConvJobKind, jobSizes } from './conv-job.js';
import { type ConvGeom, convFilterGrad, convForwardInto, convInputGradInto } from './conv3d-core.js';
import type { Heap } from './heap.js';

interface ConvWorker {
  worker: Worker;
  ctrl: Int32Array;
  err: Uint8Array;
  sab: SharedArrayBuffer;
}

let threads = Math.min(2, availableParallelism());
let current: ConvWorker | null = null;

/** 1: everything on the calling thread; 2 (default on >= 2 cores): split each conv's batch with a worker. */
export function setConvThreads(n: 1 | 2): void {
  threads = n;
  if (n === 1) void disposeConvWorker();
}

export function getConvThreads(): number {
  return threads;
}

export async function disposeConvWorker(): Promise<void> {
  const w = current;
  current = null;
  if (w) await w.worker.terminate();
}

function waitFor(w: ConvWorker, index: number, what: string): void {
  while (Atomics.load(w.ctrl, index) === 0) Atomics.wait(w.ctrl, index, 0, 1000);
  if (Atomics.load(w.ctrl, index) === 2 || Atomics.load(w.ctrl, 0) === 2) {
    const text = new TextDecoder().decode(w.err.slice()).replace(/\0+$/, '');
    void disposeConvWorker();
    throw new Error(`conv worker failed during ${what}: ${text}`);
  }
}

function startWorker(): ConvWorker {
  const entry = siblingModule(import.meta.url, 'conv-worker').href;
  const preload = workerPreload(entry);
  const load = preload
    ? `import(${JSON.stringify(preload)}).then(() => import(${JSON.stringify(entry)}))`
    : `import(${JSON.stringify(entry)})`;
  // A failed import is reported through the shared error buffer: the main thread is blocked in Atomics.wait.
  const code = [
    "const { workerData } = require('node:worker_threads');",
    load,
    '.catch((e) => { const v = new Uint8Array(workerData.errSab); v.set(new TextEncoder().encode(String(e && e.stack || e)).subarray(0, 4000));',
    'const c = new Int32Array(workerData.ctrlSab); Atomics.store(c, 1, 2); Atomics.notify(c, 1); });',
  ].join('\n');
  const ctrlSab = new SharedArrayBuffer(8);
  const errSab = new SharedArrayBuffer(4096);
  const worker = new Worker(code, { eval: true, workerData: { ctrlSab, errSab } });
  worker.unref();
  const w: ConvWorker = {
    worker,
    ctrl: new Int32Array(ctrlSab),
    err: new Uint8Array(errSab),
    sab: new SharedArrayBuffer(4),
  };
  waitFor(w, 1, 'start-up');
  return w;
}

function workerFor(floats: number): ConvWorker {
  current ??= startWorker();
  if (current.sab.byteLength < floats * 4) current.sab = new SharedArrayBuffer(floats * 4);
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
  const nW = threads >= 2 ? Math.floor(g.n / 2) : 0;
  const gMain: ConvGeom = { ...g, n: g.n - nW };
  const gW: ConvGeom = { ...g, n: nW };
  const sMain = jobSizes(kind, gMain, pool);
  const sW = jobSizes(kind, gW, pool);
  let w: ConvWorker | null = null;
  if (nW > 0) {
    w = workerFor(sW.a + sW.b + sW.out);
    const shared = new Float32Array(w.sab);
    const h = heap.f32;
    // The worker's samples follow the main thread's ones; filters (kind != filterGrad) are whole.
    shared.set(h.subarray((aPtr >>> 2) + sMain.a, (aPtr >>> 2) + sMain.a + sW.a), 0);
    const bSkip = kind === 'filterGrad' || kind === 'blockFilterGrad' ? sMain.b : 0;
    if (block) {
      const wSize = sW.b - g.outC;
      shared.set(h.subarray(bPtr >>> 2, (bPtr >>> 2) + wSize), sW.a);
      shared.set(h.subarray(block.biasPtr >>> 2, (block.biasPtr >>> 2) + g.outC), sW.a + wSize);
    } else shared.set(h.subarray((bPtr >>> 2) + bSkip, (bPtr >>> 2) + bSkip + sW.b), sW.a);
    Atomics.store(w.ctrl, 0, 0);
    w.worker.postMessage({ kind, geom: gW, sab: w.sab, pool });
  }
  let dw: Float32Array | null = null;
  if (kind === 'forward') convForwardInto(heap, gMain, aPtr, bId, outPtr, bPtr);
  else if (kind === 'block' && block)
    blockForwardInto(heap, gMain, pool, aPtr, bId, block.biasPtr, outPtr, block.argPtr, bPtr);
  else if (kind === 'inputGrad') convInputGradInto(heap, gMain, aPtr, bPtr, outPtr);
  else if (kind === 'blockInputGrad') blockInputGradInto(heap, gMain, aPtr, bPtr, outPtr);
  else if (kind === 'blockFilterGrad') dw = blockFilterGrad(heap, gMain, aPtr, bPtr);
  else dw = convFilterGrad(heap, gMain, aPtr, bPtr);
  if (w) {
    waitFor(w, 0, kind);
    const result = new Float32Array(w.sab, (sW.a + sW.b) * 4, sW.out);
    if (dw) for (let i = 0; i < dw.length; i++) dw[i] += result[i];
    else if (block) {
      // pooled values then int32 indices (copied bit for bit through the float view)
      const half = sW.out / 2;
      const mainHalf = sMain.out / 2;
      heap.f32.set(result.subarray(0, half), (outPtr >>> 2) + mainHalf);
      new Int32Array(heap.f32.buffer).set(
        new Int32Array(w.sab, (sW.a + sW.b + half) * 4, half),
        (block.argPtr >>> 2) + mainHalf,
      );
    } else heap.f32.set(result, (outPtr >>> 2) + sMain.out);
  }
  return dw;
}
