// One half of a conv kernel call, as run by either thread on its own wasm heap. The job's inputs and
// outputs live in a SharedArrayBuffer because each wasm instance has its own (unshared) memory.

import {
  blockFilterGrad,
  blockForwardInto,
  blockGradFused,
  blockInputGradInto,
  packedSize,
  pooledSize,
} from './block-core.js';
import { type ConvGeom, convFilterGrad, convForwardInto, convInputGradInto } from './conv3d-core.js';
import type { Heap } from './heap.js';
import { winograd } from './winograd.js';

export type ConvJobKind =
  | 'forward'
  | 'filterGrad'
  | 'inputGrad'
  | 'block'
  | 'blockFilterGrad'
  | 'blockInputGrad';

/** Float offsets into `sab`: forward (a=x, b=filter, out=y); filterGrad (a=x, b=dy, out=dW);
 * inputGrad (a=dy, b=filter, out=dx); the block's gradients take the packed pooled gradient (block-core's
 * packedSize) for dy. Sizes follow from geom (geom.n = this half's samples). */
export interface ConvJob {
  kind: ConvJobKind;
  geom: ConvGeom;
  sab: SharedArrayBuffer;
  /** Pool size of a 'block' job (b = filter then bias; out = pooled then int32 window index). */
  pool: number;
}

export function jobSizes(kind: ConvJobKind, g: ConvGeom, pool = 2): { a: number; b: number; out: number } {
  const xSize = g.n * g.d1 * g.d2 * g.d3 * g.c;
  const ySize = g.n * (g.d1 - g.f1 + 1) * (g.d2 - g.f2 + 1) * (g.d3 - g.f3 + 1) * g.outC;
  const wSize = g.f1 * g.f2 * g.f3 * g.c * g.outC;
  if (kind === 'forward') return { a: xSize, b: wSize, out: ySize };
  if (kind === 'block') return { a: xSize, b: wSize + g.outC, out: 2 * pooledSize(g, pool) };
  if (kind === 'filterGrad') return { a: xSize, b: ySize, out: wSize };
  if (kind === 'blockFilterGrad') return { a: xSize, b: packedSize(g), out: wSize + g.outC }; // dW, dBias
  if (kind === 'blockInputGrad') return { a: packedSize(g), b: wSize, out: xSize };
  return { a: ySize, b: wSize, out: xSize };
}

/**
 * The fused block's Winograd jobs straight from and into the SAB (the Winograd module copies its operands
 * in anyway, so the hop through this thread's tfjs heap would be two more copies). False: not such a job.
 */
function runWinogradJob(
  job: ConvJob,
  shared: Float32Array,
  s: { a: number; b: number; out: number },
): boolean {
  const g = job.geom;
  const kinds: ConvJobKind[] = ['block', 'blockInputGrad', 'blockFilterGrad'];
  if (!kinds.includes(job.kind) || !blockGradFused(g, job.pool)) return false;
  const a = shared.subarray(0, s.a);
  const b = shared.subarray(s.a, s.a + s.b);
  const out = shared.subarray(s.a + s.b, s.a + s.b + s.out);
  if (job.kind === 'block') {
    const wSize = s.b - g.outC;
    const half = s.out / 2;
    const arg = new Int32Array(job.sab, (s.a + s.b + half) * 4, half);
    winograd().forwardPool(g, a, b.subarray(0, wSize), b.subarray(wSize), out.subarray(0, half), arg);
  } else if (job.kind === 'blockInputGrad') winograd().inputGrad(g, a, b, out, true);
  else out.set(winograd().filterGrad(g, a, b, true));
  return true;
}

/** Runs a job on `heap`: copies its inputs in, computes, copies the result back into the SAB. */
export function runConvJob(heap: Heap, job: ConvJob): void {
  const s = jobSizes(job.kind, job.geom, job.pool);
  const shared = new Float32Array(job.sab, 0, s.a + s.b + s.out);
  if (runWinogradJob(job, shared, s)) return;
  const aPtr = heap.alloc(s.a);
  const bPtr = heap.alloc(s.b);
  const outPtr = heap.alloc(s.out);
  let bId = 0;
  try {
    heap.f32.set(shared.subarray(0, s.a), aPtr >>> 2);
    heap.f32.set(shared.subarray(s.a, s.a + s.b), bPtr >>> 2);
    if (job.kind === 'block') {
      const wSize = s.b - job.geom.outC;
      bId = heap.view(bPtr, wSize);
      const half = s.out / 2;
      blockForwardInto(
        heap,
        job.geom,
        job.pool,
        aPtr,
        bId,
        bPtr + wSize * 4,
        outPtr,
        outPtr + half * 4,
        bPtr,
      );
    } else if (job.kind === 'forward') {
      bId = heap.view(bPtr, s.b);
      convForwardInto(heap, job.geom, aPtr, bId, outPtr, bPtr);
    } else if (job.kind === 'inputGrad') {
      convInputGradInto(heap, job.geom, aPtr, bPtr, outPtr);
    } else if (job.kind === 'blockInputGrad') {
      blockInputGradInto(heap, job.geom, aPtr, bPtr, outPtr);
    } else {
      // Compute first: the heap may grow (detaching old views) inside the call.
      const dw =
        job.kind === 'blockFilterGrad'
          ? blockFilterGrad(heap, job.geom, aPtr, bPtr)
          : convFilterGrad(heap, job.geom, aPtr, bPtr);
      heap.f32.set(dw, outPtr >>> 2);
    }
    shared.set(heap.f32.subarray(outPtr >>> 2, (outPtr >>> 2) + s.out), s.a + s.b);
  } finally {
    if (bId) heap.unview(bId);
    heap.free(aPtr);
    heap.free(bPtr);
    heap.free(outPtr);
  }
}
