// Winograd F(2x2x2, 3x3x3) and F(4x4x4, 3x3x3) conv kernels (../../../wasm-src/winograd.c, built into
// winograd.wasm next to this file): 64 multiplies per 8 outputs (F2) or 216 per 64 (F4) instead of 216 per
// output, in our own wasm SIMD module, the tile size chosen per call (winogradTile). Each thread gets its
// own instance and memory (loaded synchronously on first use); operands are copied in from the caller's
// arrays (tfjs heap views) and results copied out, which costs far less than the multiplies it saves.
import { platform } from '#platform';
import type { ConvGeom } from './conv-geom.js';
import type { WinoExports } from './winograd-exports.js';

export type { WinoExports };

/** Winograd applies to 3x3x3 filters whose output is at least 1 voxel in every dimension. */
export function winogradApplies(g: ConvGeom): boolean {
  return g.f1 === 3 && g.f2 === 3 && g.f3 === 3 && g.d1 >= 3 && g.d2 >= 3 && g.d3 >= 3;
}

const up = (v: number, m: number): number => Math.ceil(v / m) * m;

/** Transform points of a tile size m (output tile edge): (m + 2)^3. */
const points = (m: WinoTile): number => (m + 2) ** 3;

/** Floats of a V/M/dM/dV/U/UT/dU buffer: P blocks of r rows, each padded by 16 floats (SLAB in kernels.h). */
const slab = (m: WinoTile, r: number, w: number): number => points(m) * (r * w + 16);

export type WinoTile = 2 | 4;

/**
 * Output tiles of edge m a conv computes (pooled: only the pooled part of the output, 2 * floor(o / 2) an
 * axis, as geom() in winograd.c).
 */
function tileCount(g: ConvGeom, m: WinoTile, pooled: boolean): number {
  const t = (d: number) => {
    const o = pooled ? (d - 2) & ~1 : d - 2;
    return Math.ceil(o / m);
  };
  return g.n * t(g.d1) * t(g.d2) * t(g.d3);
}

/**
 * The tile size of a conv: the smaller work, P x (GEMM rows: tiles rounded up to the micro-kernel's 4, + 16
 * for the per-call filter transforms), fitted to bench/wino-micro.ts: F(4x4x4) 1.9x faster on the seed's
 * conv2, F(2x2x2) where the output is only a few tiles (4x4x4 tiles mostly padding, the 3.4x larger
 * transformed filter dominating: conv4). CT3D_WINOGRAD_TILE=2 or 4 forces one (A/B runs).
 */
export function winogradTile(g: ConvGeom, pooled: boolean): WinoTile {
  const forced = platform.env('CT3D_WINOGRAD_TILE');
  if (forced === '2' || forced === '4') return Number(forced) as WinoTile;
  const work = (m: WinoTile) => points(m) * (up(tileCount(g, m, pooled), 4) + 16);
  return work(4) < work(2) ? 4 : 2;
}

/** Cumulative wall time in the Winograd kernels (for the benchmark's profile). */
export const winogradProfile = { forwardMs: 0, inputGradMs: 0, filterGradMs: 0 };

/** Which build runs: fused multiply-add (relaxed SIMD) where V8 accepts it, else plain SIMD128 mul + add. */
export let winogradVariant: 'relaxed-simd' | 'simd' | 'not loaded' = 'not loaded';

/**
 * Compiles the relaxed-SIMD build where V8 validates it (Node 22 ships relaxed SIMD; Node 20 has it behind
 * a V8 flag, which we turn on here: process-wide, before any compile). CT3D_RELAXED_SIMD=0 forces the plain
 * SIMD128 build (A/B benchmarks); so does a V8 that rejects the flag (slower: mul + add, not fused).
 */
function compile(): WebAssembly.Module {
  const relaxed = platform.kernelBinary('winograd-relaxed.wasm');
  if (platform.env('CT3D_RELAXED_SIMD') !== '0') {
    if (!WebAssembly.validate(relaxed)) platform.allowRelaxedSimd();
    if (WebAssembly.validate(relaxed)) {
      winogradVariant = 'relaxed-simd';
      return new WebAssembly.Module(relaxed);
    }
  }
  winogradVariant = 'simd';
  return new WebAssembly.Module(platform.kernelBinary('winograd.wasm'));
}

let compiled: WebAssembly.Module | null = null;

/** One instance of the module with a bump allocator over its memory (reset after every call). */
class WinogradModule {
  private readonly ex: WinoExports;
  private readonly base: number;
  private top: number;

  /** tile: every call uses this tile size (tests) instead of winogradTile's choice. */
  constructor(
    module?: WebAssembly.Module,
    private readonly tile?: WinoTile,
  ) {
    compiled ??= compile();
    const inst = new WebAssembly.Instance(module ?? compiled, {});
    this.ex = inst.exports as unknown as WinoExports;
    this.base = up(this.ex.__heap_base.value as number, 64);
    this.top = this.base;
  }

  get f32(): Float32Array {
    return new Float32Array(this.ex.memory.buffer);
  }

  /** Bytes for `floats` floats (64-byte aligned); grows the memory as needed. */
  private alloc(floats: number): number {
    const ptr = this.top;
    this.top = up(ptr + floats * 4, 64);
    const need = this.top - this.ex.memory.buffer.byteLength;
    if (need > 0) {
      if (this.top > 2 ** 32)
        throw new Error(`winograd: ${(this.top / 2 ** 20).toFixed(0)} MiB needed, 4096 MiB max`);
      this.ex.memory.grow(Math.ceil(need / 65536));
    }
    return ptr;
  }

  /** Runs f with the exports and this allocator; what f allocates is released afterwards. */
  scratch<T>(
    f: (ex: WinoExports, put: (src: Float32Array) => number, alloc: (floats: number) => number) => T,
  ): T {
    return this.run(() =>
      f(
        this.ex,
        (src) => this.put(src),
        (floats) => this.alloc(floats),
      ),
    );
  }

  private put(src: Float32Array): number {
    const p = this.alloc(src.length);
    this.f32.set(src, p >>> 2);
    return p;
  }

  private dims(g: ConvGeom, pooled: boolean) {
    const m = this.tile ?? winogradTile(g, pooled);
    const tiles = tileCount(g, m, pooled);
    const t = Math.min(this.ex.wino_block_tiles(g.c, g.outC, m), up(tiles, 4));
    return { m, t, cs: up(g.c, 4), cp: up(g.c, 8), op: up(g.outC, 8) };
  }

  private run<T>(f: () => T): T {
    try {
      return f();
    } finally {
      this.top = this.base;
    }
  }

  /** Forward conv; `use` gets the output (a view into this module's memory, valid only inside `use`). */
  forward(g: ConvGeom, x: Float32Array, w: Float32Array, use: (y: Float32Array) => void): void {
    this.run(() => {
      const t0 = performance.now();
      const { m, t, cs, op } = this.dims(g, false);
      const ySize = g.n * (g.d1 - 2) * (g.d2 - 2) * (g.d3 - 2) * g.outC;
      const xP = this.put(x);
      const wP = this.put(w);
      const uP = this.alloc(slab(m, g.c, op));
      const yP = this.alloc(ySize);
      const vP = this.alloc(slab(m, t, cs));
      const mP = this.alloc(slab(m, t, op));
      this.ex.wino_filter(wP, g.c, g.outC, uP, m);
      this.ex.wino_forward(xP, g.n, g.d1, g.d2, g.d3, g.c, uP, g.outC, yP, t, vP, mP, 0, 0, m);
      winogradProfile.forwardMs += performance.now() - t0;
      use(this.f32.subarray(yP >>> 2, (yP >>> 2) + ySize));
    });
  }

  /**
   * The fused block: pooled = maxPool2(relu(conv + bias)) ([n, o1/2, o2/2, o3/2, O], floored) and arg the
   * winning position in each 2x2x2 window (a*4 + b*2 + e), -1 where relu blocks every value. Each
   * Winograd output tile is one pool window, so the conv output never exists.
   */
  forwardPool(
    g: ConvGeom,
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array,
    pooled: Float32Array,
    arg: Int32Array,
  ): void {
    this.run(() => {
      const t0 = performance.now();
      const { m, t, cs, op } = this.dims(g, true);
      const xP = this.put(x);
      const bP = this.put(bias);
      const yP = this.alloc(pooled.length);
      const aP = this.alloc(arg.length);
      if (g.c === 1) {
        // 1 channel: direct (Winograd would be all transform), the filter zero-padded to op columns
        const wP = this.alloc(27 * op);
        const f = this.f32;
        f.fill(0, wP >>> 2, (wP >>> 2) + 27 * op);
        for (let k = 0; k < 27; k++) f.set(w.subarray(k * g.outC, (k + 1) * g.outC), (wP >>> 2) + k * op);
        const rows = 8 * this.ex.direct1_window_chunk();
        const aBuf = this.alloc(rows * 28);
        const cBuf = this.alloc(rows * op);
        this.ex.direct1_forward_pool(xP, g.n, g.d1, g.d2, g.d3, wP, g.outC, bP, yP, aP, aBuf, cBuf);
      } else {
        const wP = this.put(w);
        const uP = this.alloc(slab(m, g.c, op));
        const vP = this.alloc(slab(m, t, cs));
        const mP = this.alloc(slab(m, t, op));
        this.ex.wino_filter(wP, g.c, g.outC, uP, m);
        this.ex.wino_forward(xP, g.n, g.d1, g.d2, g.d3, g.c, uP, g.outC, yP, t, vP, mP, bP, aP, m);
      }
      pooled.set(this.f32.subarray(yP >>> 2, (yP >>> 2) + pooled.length));
      arg.set(new Int32Array(this.ex.memory.buffer, aP, arg.length));
      winogradProfile.forwardMs += performance.now() - t0;
    });
  }

  /**
   * dx (input shape) of the conv for dy (output shape) and filter w. pooled: dy is instead the fused
   * block's packed gradient: per sample, the pooled dy [q1, q2, q3, O] then the int32 window index bits
   * (forwardPool's arg) in the same layout.
   */
  inputGrad(g: ConvGeom, dy: Float32Array, w: Float32Array, dx: Float32Array, pooled = false): void {
    this.run(() => {
      const t0 = performance.now();
      const { m, t, cp, op } = this.dims(g, pooled);
      const dyP = this.put(dy);
      const wP = this.put(w);
      const utP = this.alloc(slab(m, g.outC, cp));
      const dxP = this.alloc(dx.length);
      const dmP = this.alloc(slab(m, t, op));
      const dvP = this.alloc(slab(m, t, cp));
      const wtP = this.alloc(27 * g.c * g.outC);
      this.ex.wino_swap_filter(wP, g.c, g.outC, wtP);
      this.ex.wino_filter(wtP, g.outC, g.c, utP, m); // [P][O][Cp]: c and O swapped
      this.ex.wino_input_grad(dyP, g.n, g.d1, g.d2, g.d3, g.c, utP, g.outC, dxP, t, dmP, dvP, +pooled, m);
      dx.set(this.f32.subarray(dxP >>> 2, (dxP >>> 2) + dx.length));
      winogradProfile.inputGradMs += performance.now() - t0;
    });
  }

  /**
   * dW ([3,3,3,C,O]) of the conv for input x and output gradient dy. pooled: dy is the block's packed
   * gradient (as in inputGrad) and the result is dW followed by the bias gradient (O floats).
   */
  filterGrad(g: ConvGeom, x: Float32Array, dy: Float32Array, pooled = false): Float32Array {
    return this.run(() => {
      const t0 = performance.now();
      const { m, t, cs, op } = this.dims(g, pooled);
      const xP = this.put(x);
      const dyP = this.put(dy);
      const size = 27 * g.c * g.outC + (pooled ? g.outC : 0);
      const dwP = this.alloc(size);
      if (pooled && g.c === 1) {
        // 1 channel: direct from the window indices (one position per window and channel)
        const accP = this.alloc(g.outC * 28);
        const partP = this.alloc(g.outC * 28);
        this.ex.direct1_filter_grad_pooled(xP, dyP, g.n, g.d1, g.d2, g.d3, g.outC, accP, partP, dwP);
      } else {
        if (pooled && g.outC > 1024)
          throw new Error(`winograd: pooled filter gradient for ${g.outC} > 1024 channels`);
        const duP = this.alloc(slab(m, cs, op));
        const vP = this.alloc(slab(m, t, cs));
        const dmP = this.alloc(slab(m, t, op));
        const partP = this.alloc(op);
        this.f32.fill(0, duP >>> 2, (duP >>> 2) + slab(m, cs, op));
        const biasP = pooled ? dwP + 27 * g.c * g.outC * 4 : 0;
        this.ex.wino_filter_grad(
          xP,
          dyP,
          g.n,
          g.d1,
          g.d2,
          g.d3,
          g.c,
          g.outC,
          duP,
          t,
          vP,
          dmP,
          +pooled,
          partP,
          biasP,
          m,
        );
        this.ex.wino_filter_grad_out(duP, g.c, g.outC, dwP, m);
      }
      const dw = this.f32.slice(dwP >>> 2, (dwP >>> 2) + size);
      winogradProfile.filterGradMs += performance.now() - t0;
      return dw;
    });
  }
}

/**
 * A separate instance of one build (tests run both): 'simd' is plain SIMD128, 'relaxed-simd' needs V8's
 * support; tile: every call with that tile size instead of winogradTile's choice.
 */
export function createWinograd(build: 'simd' | 'relaxed-simd', tile?: WinoTile): WinogradModule {
  compiled ??= compile(); // sets the V8 flag where needed
  const file = build === 'simd' ? 'winograd.wasm' : 'winograd-relaxed.wasm';
  return new WinogradModule(new WebAssembly.Module(platform.kernelBinary(file)), tile);
}

let instance: WinogradModule | null = null;

/** This thread's Winograd module (instantiated on first use). */
export function winograd(): WinogradModule {
  instance ??= new WinogradModule();
  return instance;
}
