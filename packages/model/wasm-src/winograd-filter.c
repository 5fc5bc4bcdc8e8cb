// Winograd filter transforms (see winograd.c; m = 4: wino4.h's G): U = G w G^T and dw = G^T dU G.
#include "kernels.h"
#include "wino4.h"
// G on 3 taps: (g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2), 4 output channels at a time.
static inline void g1(const f4 *g, int s, f4 *u, int su) {
  const f4 a = g[0], b = g[s], c = g[2 * s], h = wasm_f32x4_splat(0.5f);
  u[0] = a, u[3 * su] = c;
  u[su] = wasm_f32x4_mul(h, wasm_f32x4_add(wasm_f32x4_add(a, b), c));
  u[2 * su] = wasm_f32x4_mul(h, wasm_f32x4_add(wasm_f32x4_sub(a, b), c));
}

/**
 * U [P][c][Op] (blocks SLAB(c, Op) floats apart) = G w G^T for w [3][3][3][c][oc] (P = (m + 2)^3). The input gradient's UT [P][oc][Cp] is this
 * of the filter with c and oc swapped (wino_swap_filter).
 */
EXPORT(wino_filter) void wino_filter(const float *w, int c, int oc, float *U, int m) {
  const int Op = (oc + 7) & ~7, P = (m + 2) * (m + 2) * (m + 2);
  const long plane = (long)c * oc;
  f4 g[27], u1[36], u2[48], u[216];
  for (int ci = 0; ci < c; ci++)
    for (int o0 = 0; o0 < oc; o0 += 4) {
      const int no = min_i(4, oc - o0);
      for (int k = 0; k < 27; k++) g[k] = load_lanes(w + k * plane + (long)ci * oc + o0, no);
      if (m == 4) {
        sep3(g, 3, u, 6, g6);
        for (int k = 0; k < P; k++) store_lanes(U + k * SLAB(c, Op) + (long)ci * Op + o0, u[k], no);
        continue;
      }
      for (int a = 0; a < 3; a++)  // e axis: [3][3][3] -> [3][3][4]
        for (int b = 0; b < 3; b++) g1(g + a * 9 + b * 3, 1, u1 + a * 12 + b * 4, 1);
      for (int a = 0; a < 3; a++)  // b axis: -> [3][4][4]
        for (int e = 0; e < 4; e++) g1(u1 + a * 12 + e, 4, u2 + a * 16 + e, 4);
      for (int k = 0; k < 16; k++) g1(u2 + k, 16, u + k, 16);  // a axis: -> [4][4][4]
      for (int k = 0; k < 64; k++) store_lanes(U + k * SLAB(c, Op) + (long)ci * Op + o0, u[k], no);
    }
}

/** wt [27][oc][c] = w [27][c][oc] (in/out channels swapped). */
EXPORT(wino_swap_filter) void wino_swap_filter(const float *w, int c, int oc, float *wt) {
  for (int k = 0; k < 27; k++, w += (long)c * oc, wt += (long)c * oc)
    for (int ci = 0; ci < c; ci++)
      for (int o = 0; o < oc; o++) wt[(long)o * c + ci] = w[(long)ci * oc + o];
}

// G^T on 4 values: (u0 + (u1 + u2) / 2, (u1 - u2) / 2, (u1 + u2) / 2 + u3), 4 output channels at a time.
static inline void gt1(const f4 *u, int s, f4 *g, int sg) {
  const f4 a = u[0], b = u[s], c = u[2 * s], d = u[3 * s], h = wasm_f32x4_splat(0.5f);
  const f4 m = wasm_f32x4_mul(h, wasm_f32x4_add(b, c));
  g[0] = wasm_f32x4_add(a, m), g[sg] = wasm_f32x4_mul(h, wasm_f32x4_sub(b, c)), g[2 * sg] = wasm_f32x4_add(m, d);
}

/** dw [3][3][3][c][oc] = G^T dU G for dU [P][Cs][Op] (wino_filter_grad, same m). */
EXPORT(wino_filter_grad_out) void wino_filter_grad_out(const float *dU, int c, int oc, float *dw, int m) {
  const int Cs = (c + 3) & ~3, Op = (oc + 7) & ~7, P = (m + 2) * (m + 2) * (m + 2);
  const long plane = (long)c * oc;
  f4 u[216], t1[48], t2[36], g[27];
  for (int ci = 0; ci < c; ci++)
    for (int o0 = 0; o0 < oc; o0 += 4) {
      const int no = min_i(4, oc - o0);
      for (int k = 0; k < P; k++) u[k] = wasm_v128_load(dU + k * SLAB(Cs, Op) + (long)ci * Op + o0);
      if (m == 4) {
        sep3(u, 6, g, 3, gt6);
        for (int k = 0; k < 27; k++) store_lanes(dw + k * plane + (long)ci * oc + o0, g[k], no);
        continue;
      }
      for (int k = 0; k < 16; k++) gt1(u + k, 16, t1 + k, 16);  // a axis: [4][4][4] -> [3][4][4]
      for (int a = 0; a < 3; a++)
        for (int e = 0; e < 4; e++) gt1(t1 + a * 16 + e, 4, t2 + a * 12 + e, 4);  // b: -> [3][3][4]
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) gt1(t2 + a * 12 + b * 4, 1, g + a * 9 + b * 3, 1);  // e: -> [3][3][3]
      for (int k = 0; k < 27; k++) store_lanes(dw + k * plane + (long)ci * oc + o0, g[k], no);
    }
}
