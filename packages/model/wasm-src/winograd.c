// Winograd F(2x2x2, 3x3x3) and F(4x4x4, 3x3x3) (m = 2 or 4: the output tile's edge; wino4.h) for a VALID,
// stride-1 3D convolution (NDHWC, float32), wasm SIMD128.
// Built into ../src/kernels/wasm/winograd.wasm by build.sh (Debian clang-19 + lld-19).
//
// One output tile of m^3 reads an a^3 input tile (a = m + 2). Per transform position xi (P = a^3 of them):
//   forward      M[xi][t, o]  = V[xi][t, c] * U[xi][c, o]      (V = B^T x B, U = G w G^T, y = A^T M A)
//   input grad   dV[xi][t, c] = dM[xi][t, o] * UT[xi][o, c]    (dM = A dy A^T, dx += B dV B^T, tiles overlap)
//   filter grad  dU[xi][c, o] += V[xi][t, c]^T * dM[xi][t, o]  (dw = G^T dU G)
// i.e. 64 multiplies per 8 outputs (m = 2) or 216 per 64 (m = 4) instead of 216 per output. The transforms
// run 4 channels at a time (f32x4) on blocks of T tiles, so V/M blocks stay in cache between the transform
// and the P small GEMMs.
// Layouts: V [P][T][Cs], M/dM [P][T][Op], dV [P][T][Cp], U [P][C][Op], UT [P][O][Cp], dU [P][Cs][Op]
// (each of the P blocks padded, see SLAB)
// with Cs = roundup4(C), Cp = roundup8(C), Op = roundup8(O). Padding lanes hold garbage that never
// enters a kept sum: K loops are exact, padded rows/columns are dropped by the transforms.
#include "kernels.h"
#include "wino2.h"
#include "wino4.h"

// Geometry of one call: input [n][d1][d2][d3][c], output [n][o1][o2][o3][oc], tiles t1 x t2 x t3 a sample
// of m^3 outputs (input tiles of a^3, a = m + 2; P = a^3 transform points). pooled: only the pooled part of
// the output (2 * floor(o / 2) an axis) is computed: the rest is never pooled and its gradient is 0.
typedef struct {
  int n, d1, d2, d3, c, oc, o1, o2, o3, t1, t2, t3, m, a, P;
} Geom;

static Geom geom(int n, int d1, int d2, int d3, int c, int oc, int m, int pooled) {
  Geom g = {n, d1, d2, d3, c, oc, d1 - 2, d2 - 2, d3 - 2, 0, 0, 0, m, m + 2, (m + 2) * (m + 2) * (m + 2)};
  if (pooled) g.o1 &= ~1, g.o2 &= ~1, g.o3 &= ~1;
  g.t1 = (g.o1 + m - 1) / m, g.t2 = (g.o2 + m - 1) / m, g.t3 = (g.o3 + m - 1) / m;
  return g;
}

// Tile number -> its first input (= output) coordinates and its sample.
static inline void tile_at(const Geom *g, int t, int *s, int *i, int *j, int *l) {
  *l = g->m * (t % g->t3);
  t /= g->t3;
  *j = g->m * (t % g->t2);
  t /= g->t2;
  *i = g->m * (t % g->t1);
  *s = t / g->t1;
}

// The per-tile transforms of either tile size, in place on P (input side) or m^3 (output side) values.
static inline void input_tile_tf(const Geom *g, f4 *d) {
  if (g->m == 2) bt3(d);
  else sep3(d, 6, d, 6, bt6);
}
static inline void output_tile_tf(const Geom *g, const f4 *m, f4 *y) {
  if (g->m == 2) at3(m, y);
  else sep3(m, 6, y, 4, at4);
}
static inline void grad_tile_tf(const Geom *g, const f4 *gy, f4 *m) {
  if (g->m == 2) a3(gy, m);
  else sep3(gy, 4, m, 6, a4);
}
static inline void input_grad_tile_tf(const Geom *g, f4 *v) {
  if (g->m == 2) b3(v);
  else sep3(v, 6, v, 6, b6);
}

// F4's input transform, 16 channels (one cache line at each of the 216 positions) at a time: one channel
// quad at a time, the 6x6x6 gather touched 864 lines a tile and missed L1 on every quad after the first.
// The transform writes V directly (its blocks are SLAB(T, Cs) floats apart).
static void input_tf4(const Geom *g, const float *x, int t0, int nt, int T, int Cs, float *V) {
  f4 d[4 * 216];
  const long S = SLAB(T, Cs) / 4;  // f4 units (T * Cs and 16 are multiples of 4)
  for (int tl = 0; tl < nt; tl++) {
    int s, i, j, l;
    tile_at(g, t0 + tl, &s, &i, &j, &l);
    const int na = min_i(6, g->d1 - i), nb = min_i(6, g->d2 - j), ne = min_i(6, g->d3 - l);
    for (int c0 = 0; c0 < g->c; c0 += 16) {
      const int nq = min_i(4, (g->c - c0 + 3) / 4);
      if (na < 6 || nb < 6 || ne < 6)
        for (int k = 0; k < 4 * 216; k++) d[k] = wasm_f32x4_splat(0.f);
      for (int a = 0; a < na; a++)
        for (int b = 0; b < nb; b++) {
          const float *p = x + ((((long)s * g->d1 + i + a) * g->d2 + j + b) * g->d3 + l) * g->c + c0;
          for (int e = 0; e < ne; e++)
            for (int q = 0; q < nq; q++)
              d[((a * 6 + b) * 6 + e) * 4 + q] = load_lanes(p + e * g->c + 4 * q, g->c - c0 - 4 * q);
        }
      for (int q = 0; q < nq; q++) sep3s(d + q, 4, 6, (f4 *)(V + (long)tl * Cs + c0 + 4 * q), S, 6, bt6);
    }
  }
}

// V[xi][tl][c..] for tiles [t0, t0 + nt) of x (input transform; reads past the volume are 0).
static void input_tf(const Geom *g, const float *x, int t0, int nt, int T, int Cs, float *V) {
  if (g->m == 4) {
    input_tf4(g, x, t0, nt, T, Cs, V);
    return;
  }
  f4 d[216];
  const int A = g->a, P = g->P;
  for (int tl = 0; tl < nt; tl++) {
    int s, i, j, l;
    tile_at(g, t0 + tl, &s, &i, &j, &l);
    const int na = min_i(A, g->d1 - i), nb = min_i(A, g->d2 - j), ne = min_i(A, g->d3 - l);
    for (int c0 = 0; c0 < g->c; c0 += 4) {
      const int nc = min_i(4, g->c - c0);
      if (na < A || nb < A || ne < A)
        for (int k = 0; k < P; k++) d[k] = wasm_f32x4_splat(0.f);
      for (int a = 0; a < na; a++)
        for (int b = 0; b < nb; b++) {
          const float *p = x + ((((long)s * g->d1 + i + a) * g->d2 + j + b) * g->d3 + l) * g->c + c0;
          for (int e = 0; e < ne; e++) d[(a * A + b) * A + e] = load_lanes(p + e * g->c, nc);
        }
      input_tile_tf(g, d);
      float *v = V + (long)tl * Cs + c0;
      for (int k = 0; k < P; k++) wasm_v128_store(v + k * SLAB(T, Cs), d[k]);
    }
  }
}

// dM[xi][tl][o..] for tiles [t0, t0 + nt) of dy (outputs past the volume count as 0).
static void grad_tf(const Geom *g, const float *dy, int t0, int nt, int T, int Op, float *dM) {
  f4 gy[64], m[216];
  const int R = g->m, P = g->P;
  for (int tl = 0; tl < nt; tl++) {
    int s, i, j, l;
    tile_at(g, t0 + tl, &s, &i, &j, &l);
    const int na = min_i(R, g->o1 - i), nb = min_i(R, g->o2 - j), ne = min_i(R, g->o3 - l);
    for (int o0 = 0; o0 < g->oc; o0 += 4) {
      const int no = min_i(4, g->oc - o0);
      for (int k = 0; k < R * R * R; k++) gy[k] = wasm_f32x4_splat(0.f);
      for (int a = 0; a < na; a++)
        for (int b = 0; b < nb; b++) {
          const float *p = dy + ((((long)s * g->o1 + i + a) * g->o2 + j + b) * g->o3 + l) * g->oc + o0;
          for (int e = 0; e < ne; e++) gy[(a * R + b) * R + e] = load_lanes(p + e * g->oc, no);
        }
      grad_tile_tf(g, gy, m);
      float *q = dM + (long)tl * Op + o0;
      for (int k = 0; k < P; k++) wasm_v128_store(q + k * SLAB(T, Op), m[k]);
    }
  }
}

// Position of value k (a*4 + b*2 + e) of pool window w (wa*4 + wb*2 + we) in an m^3 output tile.
static inline int window_pos(int m, int w, int k) {
  const int a = 2 * (w >> 2) + (k >> 2), b = 2 * ((w >> 1) & 1) + ((k >> 1) & 1), e = 2 * (w & 1) + (k & 1);
  return (a * m + b) * m + e;
}

// As grad_tf, for the fused conv + bias + relu + 2x2x2 max-pool block: each output tile is (m/2)^3 pool
// windows, so its dy is the pooled gradient at each window's winning position (arg, 0..7; -1: relu blocked
// it) and 0 elsewhere. packed, per sample: the pooled dy [q1][q2][q3][oc], then the int32 arg bits in the
// same layout. Windows past the pooled volume get dy = 0. bias (or 0): the bias gradient, sum of dy where
// arg >= 0, is added to it per channel.
static void pooled_grad_tf(const Geom *g, const float *packed, int t0, int nt, int T, int Op, float *dM,
                           float *bias) {
  const int q1 = g->o1 / 2, q2 = g->o2 / 2, q3 = g->o3 / 2, R = g->m, P = g->P;
  const int nw = R == 2 ? 1 : 8;
  const long Q = (long)q1 * q2 * q3 * g->oc;
  f4 gy[64], m[216];
  for (int tl = 0; tl < nt; tl++) {
    int s, i, j, l;
    tile_at(g, t0 + tl, &s, &i, &j, &l);
    for (int o0 = 0; o0 < g->oc; o0 += 4) {
      const int no = min_i(4, g->oc - o0);
      for (int k = 0; k < R * R * R; k++) gy[k] = wasm_f32x4_splat(0.f);
      for (int w = 0; w < nw; w++) {
        const int pi = i / 2 + (w >> 2), pj = j / 2 + ((w >> 1) & 1), pl = l / 2 + (w & 1);
        if (pi >= q1 || pj >= q2 || pl >= q3) continue;
        const float *p = packed + 2 * Q * s + (((long)pi * q2 + pj) * q3 + pl) * g->oc + o0;
        const f4 dy = load_lanes(p, no);
        const f4 arg = load_lanes_i32((const int *)(p + Q), no);  // missing lanes: dy is 0 there
        for (int k = 0; k < 8; k++)
          gy[window_pos(R, w, k)] = wasm_v128_and(dy, wasm_i32x4_eq(arg, wasm_i32x4_splat(k)));
        if (bias) {
          const f4 kept = wasm_v128_and(dy, wasm_i32x4_ge(arg, wasm_i32x4_splat(0)));
          wasm_v128_store(bias + o0, wasm_f32x4_add(wasm_v128_load(bias + o0), kept));
        }
      }
      grad_tile_tf(g, gy, m);
      float *q = dM + (long)tl * Op + o0;
      for (int k = 0; k < P; k++) wasm_v128_store(q + k * SLAB(T, Op), m[k]);
    }
  }
}

/** Tiles per block: V/M blocks of ~1 MiB (m = 2) or ~2 MiB (m = 4), a multiple of 4 (the GEMM's row block). */
EXPORT(wino_block_tiles) int wino_block_tiles(int c, int oc, int m) {
  const int cp = (c + 7) & ~7, op = (oc + 7) & ~7, P = (m + 2) * (m + 2) * (m + 2);
  const int t = (m == 2 ? 1 << 18 : 1 << 19) / (P * (cp + op));
  return t < 4 ? 4 : t & ~3;
}

/**
 * y [n][o1][o2][o3][oc] = VALID conv of x with U (wino_filter, same m). V: P*SLAB(T, Cs) floats, M:
 * P*SLAB(T, Op). With bias != 0: y is instead maxPool2(relu(conv + bias)) [n][o1/2][o2/2][o3/2][oc] and arg
 * the window index of each pooled value (see pool_tile).
 */
EXPORT(wino_forward) void wino_forward(const float *x, int n, int d1, int d2, int d3, int c, const float *U,
                                       int oc, float *y, int T, float *V, float *M, const float *bias,
                                       int *arg, int mt) {
  const Geom g = geom(n, d1, d2, d3, c, oc, mt, bias != 0);
  const int Cs = (c + 3) & ~3, Op = (oc + 7) & ~7, R = g.m, P = g.P;
  const int tiles = g.n * g.t1 * g.t2 * g.t3;
  const int q1 = g.o1 / 2, q2 = g.o2 / 2, q3 = g.o3 / 2;
  f4 m[216], out[64], win[8];
  for (int t0 = 0; t0 < tiles; t0 += T) {
    const int nt = min_i(T, tiles - t0);
    input_tf(&g, x, t0, nt, T, Cs, V);
    const int rows = (nt + 3) & ~3;
    for (int k = 0; k < P; k++)
      gemm(rows, Op, c, V + k * SLAB(T, Cs), Cs, 1, U + k * SLAB(c, Op), Op, M + k * SLAB(T, Op), Op, 0);
    for (int tl = 0; tl < nt; tl++) {
      int s, i, j, l;
      tile_at(&g, t0 + tl, &s, &i, &j, &l);
      const int na = min_i(R, g.o1 - i), nb = min_i(R, g.o2 - j), ne = min_i(R, g.o3 - l);
      for (int o0 = 0; o0 < oc; o0 += 4) {
        const float *q = M + (long)tl * Op + o0;
        for (int k = 0; k < P; k++) m[k] = wasm_v128_load(q + k * SLAB(T, Op));
        output_tile_tf(&g, m, out);
        const int no = min_i(4, oc - o0);
        if (bias) {
          const f4 b = load_lanes(bias + o0, no);
          for (int w = 0; w < (R == 2 ? 1 : 8); w++) {
            const int pi = i / 2 + (w >> 2), pj = j / 2 + ((w >> 1) & 1), pl = l / 2 + (w & 1);
            if (pi >= q1 || pj >= q2 || pl >= q3) continue;  // past the pooled volume
            const long pv = ((((long)s * q1 + pi) * q2 + pj) * q3 + pl) * oc + o0;
            for (int k = 0; k < 8; k++) win[k] = out[window_pos(R, w, k)];
            pool_tile(win, b, y + pv, arg + pv, no);
          }
          continue;
        }
        for (int a = 0; a < na; a++)
          for (int b = 0; b < nb; b++) {
            float *p = y + ((((long)s * g.o1 + i + a) * g.o2 + j + b) * g.o3 + l) * oc + o0;
            for (int e = 0; e < ne; e++) store_lanes(p + e * oc, out[(a * R + b) * R + e], no);
          }
      }
    }
  }
}

/** dx [n][d1][d2][d3][c] = input gradient of the conv for dy [n][o1][o2][o3][oc], UT (wino_swap_filter, then wino_filter). */
EXPORT(wino_input_grad) void wino_input_grad(const float *dy, int n, int d1, int d2, int d3, int c,
                                             const float *UT, int oc, float *dx, int T, float *dM, float *dV,
                                             int pooled, int mt) {
  const Geom g = geom(n, d1, d2, d3, c, oc, mt, pooled);
  const int Cp = (c + 7) & ~7, Op = (oc + 7) & ~7, A = g.a, P = g.P;
  const int tiles = g.n * g.t1 * g.t2 * g.t3;
  __builtin_memset(dx, 0, (unsigned long)g.n * d1 * d2 * d3 * c * sizeof(float));
  f4 v[216];
  for (int t0 = 0; t0 < tiles; t0 += T) {
    const int nt = min_i(T, tiles - t0);
    if (pooled) pooled_grad_tf(&g, dy, t0, nt, T, Op, dM, 0);
    else grad_tf(&g, dy, t0, nt, T, Op, dM);
    const int rows = (nt + 3) & ~3;
    for (int k = 0; k < P; k++)
      gemm(rows, Cp, oc, dM + k * SLAB(T, Op), Op, 1, UT + k * SLAB(oc, Cp), Cp, dV + k * SLAB(T, Cp), Cp, 0);
    for (int tl = 0; tl < nt; tl++) {
      int s, i, j, l;
      tile_at(&g, t0 + tl, &s, &i, &j, &l);
      const int na = min_i(A, d1 - i), nb = min_i(A, d2 - j), ne = min_i(A, d3 - l);
      for (int c0 = 0; c0 < c; c0 += 4) {
        const float *q = dV + (long)tl * Cp + c0;
        for (int k = 0; k < P; k++) v[k] = wasm_v128_load(q + k * SLAB(T, Cp));
        input_grad_tile_tf(&g, v);
        const int nc = min_i(4, c - c0);
        for (int a = 0; a < na; a++)
          for (int b = 0; b < nb; b++) {
            float *p = dx + ((((long)s * d1 + i + a) * d2 + j + b) * d3 + l) * c + c0;
            for (int e = 0; e < ne; e++, p += c)
              store_lanes(p, wasm_f32x4_add(load_lanes(p, nc), v[(a * A + b) * A + e]), nc);
          }
      }
    }
  }
}

/**
 * dU [P][Cs][Op] += filter gradient in the transform domain (wino_filter_grad_out maps it to dw). pooled:
 * also dbias [oc] = the bias gradient (per-block float partials added in double; Op floats of scratch at
 * part).
 */
EXPORT(wino_filter_grad) void wino_filter_grad(const float *x, const float *dy, int n, int d1, int d2, int d3,
                                               int c, int oc, float *dU, int T, float *V, float *dM, int pooled,
                                               float *part, float *dbias, int mt) {
  const Geom g = geom(n, d1, d2, d3, c, oc, mt, pooled);
  const int Cs = (c + 3) & ~3, Op = (oc + 7) & ~7, P = g.P;
  const int tiles = g.n * g.t1 * g.t2 * g.t3;
  double total[1024];  // oc <= 1024 where pooled (checked by the caller)
  for (int o = 0; pooled && o < oc; o++) total[o] = 0;
  for (int t0 = 0; t0 < tiles; t0 += T) {
    const int nt = min_i(T, tiles - t0);
    input_tf(&g, x, t0, nt, T, Cs, V);
    if (pooled) {
      __builtin_memset(part, 0, (unsigned long)Op * sizeof(float));
      pooled_grad_tf(&g, dy, t0, nt, T, Op, dM, part);
      for (int o = 0; o < oc; o++) total[o] += part[o];
    } else
      grad_tf(&g, dy, t0, nt, T, Op, dM);
    for (int k = 0; k < P; k++)
      gemm(c, Op, nt, V + k * SLAB(T, Cs), 1, Cs, dM + k * SLAB(T, Op), Op, dU + k * SLAB(Cs, Op), Op, 1);
  }
  for (int o = 0; pooled && o < oc; o++) dbias[o] = (float)total[o];
}
