#include "kernels.h"

// ---- 1-channel inputs (the seed's first layer): with C = 1 Winograd is all transform and no GEMM, so the
// fused block runs direct instead, pool window by pool window (every window lies inside the volume).

// The 4x4x4 input patch of pool window (s, i, j, l) (pooled coordinates), then its 8 positions' 27 taps
// as rows of X (row stride 28, the last column 1): X[p][k] = x at position p + tap k.
static inline void window_taps(const float *x, int d1, int d2, int d3, int s, int i, int j, int l, float *X) {
  float patch[64];
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 4; b++) {
      const float *p = x + (((long)s * d1 + 2 * i + a) * d2 + 2 * j + b) * d3 + 2 * l;
      for (int e = 0; e < 4; e++) patch[a * 16 + b * 4 + e] = p[e];
    }
  for (int p = 0; p < 8; p++) {
    const float *o = patch + (p >> 2) * 16 + ((p >> 1) & 1) * 4 + (p & 1);
    float *row = X + p * 28;
    for (int k1 = 0; k1 < 3; k1++)
      for (int k2 = 0; k2 < 3; k2++)
        for (int k3 = 0; k3 < 3; k3++) row[k1 * 9 + k2 * 3 + k3] = o[k1 * 16 + k2 * 4 + k3];
    row[27] = 1.f;  // the filter gradient's 28th column sums dy: the bias gradient
  }
}

/** Windows per chunk of direct1_forward_pool (A: 8*W x 28 floats, Cb: 8*W x Op). */
EXPORT(direct1_window_chunk) int direct1_window_chunk(void) { return 32; }

/**
 * pooled/arg as wino_forward with bias, for a 1-channel x: per chunk of W windows, im2col rows (8 per
 * window, 27 taps) times wp [27][Op] (w zero-padded to Op columns) in one GEMM, then the pool.
 */
EXPORT(direct1_forward_pool) void direct1_forward_pool(const float *x, int n, int d1, int d2, int d3,
                                                       const float *wp, int oc, const float *bias,
                                                       float *pooled, int *arg, float *A, float *Cb) {
  const int q1 = (d1 - 2) / 2, q2 = (d2 - 2) / 2, q3 = (d3 - 2) / 2, Op = (oc + 7) & ~7;
  const int W = direct1_window_chunk(), windows = n * q1 * q2 * q3;
  f4 out[8];
  for (int w0 = 0; w0 < windows; w0 += W) {
    const int nw = min_i(W, windows - w0);
    for (int w = 0; w < nw; w++) {
      int t = w0 + w;
      const int l = t % q3, j = (t / q3) % q2, i = (t / q3 / q2) % q1, s = t / q3 / q2 / q1;
      window_taps(x, d1, d2, d3, s, i, j, l, A + w * 8 * 28);
    }
    gemm(8 * nw, Op, 27, A, 28, 1, wp, Op, Cb, Op, 0);
    for (int w = 0; w < nw; w++)
      for (int o0 = 0; o0 < oc; o0 += 4) {
        const int no = min_i(4, oc - o0);
        for (int p = 0; p < 8; p++) out[p] = wasm_v128_load(Cb + (long)(w * 8 + p) * Op + o0);
        const long pv = (long)(w0 + w) * oc + o0;
        pool_tile(out, load_lanes(bias + o0, no), pooled + pv, arg + pv, no);
      }
  }
}

/**
 * dw [27][oc] then dbias [oc] of a 1-channel conv from the packed pooled gradient (see pooled_grad_tf):
 * each window's gradient is one position per channel, so dw[., o] += dy[o] * X[arg[o]] (27 taps and the
 * bias column, 7 vectors) per window. acc, part: oc x 28 floats; sums go through per-chunk partials.
 */
EXPORT(direct1_filter_grad_pooled) void direct1_filter_grad_pooled(const float *x, const float *packed, int n,
                                                                   int d1, int d2, int d3, int oc, float *acc,
                                                                   float *part, float *dw) {
  const int q1 = (d1 - 2) / 2, q2 = (d2 - 2) / 2, q3 = (d3 - 2) / 2, per = q1 * q2 * q3, windows = n * per;
  const long Q = (long)per * oc;
  float X[8 * 28];
  __builtin_memset(acc, 0, (unsigned long)oc * 28 * sizeof(float));
  for (int w0 = 0; w0 < windows; w0 += 256) {
    __builtin_memset(part, 0, (unsigned long)oc * 28 * sizeof(float));
    for (int t = w0; t < min_i(windows, w0 + 256); t++) {
      const int l = t % q3, j = (t / q3) % q2, i = (t / q3 / q2) % q1, s = t / per;
      window_taps(x, d1, d2, d3, s, i, j, l, X);
      const float *dy = packed + 2 * Q * s + (long)(t % per) * oc;
      const int *win = (const int *)(dy + Q);
      for (int o = 0; o < oc; o++) {
        if (win[o] < 0) continue;
        const f4 g = wasm_f32x4_splat(dy[o]);
        const float *r = X + win[o] * 28;
        float *q = part + o * 28;
        for (int k = 0; k < 28; k += 4) wasm_v128_store(q + k, MADD(wasm_v128_load(q + k), g, wasm_v128_load(r + k)));
      }
    }
    for (int k = 0; k < oc * 28; k += 4)
      wasm_v128_store(acc + k, wasm_f32x4_add(wasm_v128_load(acc + k), wasm_v128_load(part + k)));
  }
  for (int o = 0; o < oc; o++) {
    for (int k = 0; k < 27; k++) dw[k * oc + o] = acc[o * 28 + k];
    dw[27 * oc + o] = acc[o * 28 + 27];
  }
}

