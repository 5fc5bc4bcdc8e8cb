// Thin access to the tfjs wasm backend's heap and its XNNPACK matmul export.
// The backend keeps a C++ map from integer ids to (heap offset, size); its BatchMatMul export reads
// operands by id. We register extra ids that point *into* our own buffers (views), so XNNPACK can read
// and write chunks in place without any tf-op glue or extra copies.
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

type MatMulFn = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: number,
  transposeB: number,
  outId: number,
) => void;

interface WasmModule {
  HEAPF32: Float32Array;
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  cwrap(name: string, ret: null, args: string[]): MatMulFn;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

/** The parts of tfjs-backend-wasm's BackendWasm that the kernels use (public fields in its JS). */
export interface WasmBackendLike {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32' | 'int32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

const matMulCache = new WeakMap<WasmModule, MatMulFn>();
const guarded = new WeakSet<WasmModule>();

/**
 * Makes every malloc on this module (ours and the stock kernels' makeOutput) throw when the heap is
 * exhausted: stock tfjs-wasm ignores a null pointer and then writes at address 0, corrupting the heap.
 */
function guardMalloc(wasm: WasmModule): void {
  if (guarded.has(wasm)) return;
  guarded.add(wasm);
  const malloc = wasm._malloc;
  wasm._malloc = (bytes: number): number => {
    const ptr = malloc(bytes);
    if (ptr === 0 && bytes > 0) {
      const mib = (v: number) => (v / 2 ** 20).toFixed(0);
      throw new Error(
        `wasm heap exhausted: cannot allocate ${mib(bytes)} MiB (heap ${mib(wasm.HEAPU8.byteLength)} MiB, 4096 MiB max)`,
      );
    }
    return ptr;
  };
}

/** Heap helper bound to one backend: views, buffers and the XNNPACK fully-connected fast path. */
export class Heap {
  readonly wasm: WasmModule;
  private readonly matMulFn: MatMulFn;

  constructor(readonly backend: WasmBackendLike) {
    this.wasm = backend.wasm;
    guardMalloc(this.wasm);
    let fn = matMulCache.get(this.wasm);
    if (!fn) {
      fn = this.wasm.cwrap('BatchMatMul', null, [
        'number',
        'array',
        'number',
        'number',
        'array',
        'number',
        'number',
        'number',
        'number',
      ]);
      matMulCache.set(this.wasm, fn);
    }
    this.matMulFn = fn;
  }

  /** Current float view of the heap (re-read after every allocation: the heap may grow). */
  get f32(): Float32Array {
    return this.wasm.HEAPF32;
  }

  offsetOf(t: TensorInfo): number {
    return this.backend.dataIdMap.get(t.dataId).memoryOffset;
  }

  idOf(t: TensorInfo): number {
    return this.backend.dataIdMap.get(t.dataId).id;
  }

  /** malloc `floats` floats; returns a byte offset. Throws instead of returning a null pointer. */
  alloc(floats: number): number {
    return this.wasm._malloc(floats * 4) >>> 0;
  }

  free(ptr: number): void {
    this.wasm._free(ptr);
  }

  /** Registers a fresh id for `floats` floats at byte offset `ptr` (no allocation). */
  view(ptr: number, floats: number): number {
    const id = this.backend.dataIdNextNumber++;
    this.wasm.tfjs.registerTensor(id, floats, ptr);
    return id;
  }

  /** Unregisters a view id; also drops any XNNPACK operator cached on it (packed weights). */
  unview(id: number): void {
    this.wasm.tfjs.disposeData(id);
  }

  /**
   * out[m, n] = a[m, k] x b[k, n] on XNNPACK's fast path (no transposes, batch 1).
   * XNNPACK packs and caches b under bId: b's contents must not change while bId is registered.
   */
  matMul(aId: number, bId: number, outId: number, m: number, k: number, n: number): void {
    const aShape = new Uint8Array(new Int32Array([1, m, k]).buffer);
    const bShape = new Uint8Array(new Int32Array([1, k, n]).buffer);
    this.matMulFn(aId, aShape, 3, bId, bShape, 3, 0, 0, outId);
  }
}

/** What tfjs passes a kernel function (KernelFunc's argument, with the backend left opaque). */
export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: NamedAttrMap;
}
