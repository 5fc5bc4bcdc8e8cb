// Shared by the wasm kernel sources (winograd.c, winograd-filter.c, direct1.c): SIMD helpers, the GEMM
// micro-kernel and the fused bias + relu + 2x2x2 pool of 8 output values. Built by build.sh.
#ifndef CT3D_KERNELS_H
#define CT3D_KERNELS_H
#include <wasm_simd128.h>

typedef v128_t f4;
#define EXPORT(name) __attribute__((export_name(#name)))

#ifdef RELAXED
#define MADD(acc, a, b) wasm_f32x4_relaxed_madd(a, b, acc)
#else
#define MADD(acc, a, b) wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))
#endif

static inline int min_i(int a, int b) { return a < b ? a : b; }

// Floats from one transform position's block to the next (V, M, dM, dV, U, UT, dU): 16 more than the block,
// so that the P strided accesses of one tile (or filter element) do not all map to the same cache set (a
// block of 32 rows of 64 channels is 8 KiB; of the filter, 64 x 64 is 16 KiB).
#define SLAB(rows, w) ((long)(rows) * (w) + 16)

// One row of gemm (1x16 then 1x8 register blocks): the filter gradient of a 1-channel input.
static inline void gemm_row(int N, int K, const float *a, int sak, const float *B, int ldb, float *c, int acc) {
  int n = 0;
  for (; n + 16 <= N; n += 16) {
    f4 c0 = wasm_f32x4_splat(0.f), c1 = c0, c2 = c0, c3 = c0;
    if (acc)
      c0 = wasm_v128_load(c + n), c1 = wasm_v128_load(c + n + 4), c2 = wasm_v128_load(c + n + 8),
      c3 = wasm_v128_load(c + n + 12);
    const float *pa = a, *pb = B + n;
    for (int k = 0; k < K; k++, pa += sak, pb += ldb) {
      const f4 x = wasm_v128_load32_splat(pa);
      c0 = MADD(c0, x, wasm_v128_load(pb)), c1 = MADD(c1, x, wasm_v128_load(pb + 4));
      c2 = MADD(c2, x, wasm_v128_load(pb + 8)), c3 = MADD(c3, x, wasm_v128_load(pb + 12));
    }
    wasm_v128_store(c + n, c0), wasm_v128_store(c + n + 4, c1);
    wasm_v128_store(c + n + 8, c2), wasm_v128_store(c + n + 12, c3);
  }
  for (; n < N; n += 8) {
    f4 c0 = wasm_f32x4_splat(0.f), c1 = c0;
    if (acc) c0 = wasm_v128_load(c + n), c1 = wasm_v128_load(c + n + 4);
    const float *pa = a, *pb = B + n;
    for (int k = 0; k < K; k++, pa += sak, pb += ldb) {
      const f4 x = wasm_v128_load32_splat(pa);
      c0 = MADD(c0, x, wasm_v128_load(pb)), c1 = MADD(c1, x, wasm_v128_load(pb + 4));
    }
    wasm_v128_store(c + n, c0), wasm_v128_store(c + n + 4, c1);
  }
}

// C[m, n] (+)= sum_k A[m*sam + k*sak] * B[k*ldb + n]; N % 8 == 0 (4x8 register blocks, then single rows).
static inline void gemm(int M, int N, int K, const float *A, int sam, int sak, const float *B, int ldb, float *C,
                 int ldc, int acc) {
  for (int m = M & ~3; m < M; m++) gemm_row(N, K, A + m * sam, sak, B, ldb, C + m * ldc, acc);
  M &= ~3;
  for (int m = 0; m < M; m += 4) {
    const float *a = A + m * sam;
    float *c = C + m * ldc;
    for (int n = 0; n < N; n += 8) {
      f4 c00, c01, c10, c11, c20, c21, c30, c31;
      if (acc) {
        c00 = wasm_v128_load(c + n), c01 = wasm_v128_load(c + n + 4);
        c10 = wasm_v128_load(c + ldc + n), c11 = wasm_v128_load(c + ldc + n + 4);
        c20 = wasm_v128_load(c + 2 * ldc + n), c21 = wasm_v128_load(c + 2 * ldc + n + 4);
        c30 = wasm_v128_load(c + 3 * ldc + n), c31 = wasm_v128_load(c + 3 * ldc + n + 4);
      } else {
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.f);
      }
      const float *pa = a;
      const float *pb = B + n;
      for (int k = 0; k < K; k++, pa += sak, pb += ldb) {
        const f4 b0 = wasm_v128_load(pb), b1 = wasm_v128_load(pb + 4);
        const f4 x0 = wasm_v128_load32_splat(pa), x1 = wasm_v128_load32_splat(pa + sam);
        const f4 x2 = wasm_v128_load32_splat(pa + 2 * sam), x3 = wasm_v128_load32_splat(pa + 3 * sam);
        c00 = MADD(c00, x0, b0), c01 = MADD(c01, x0, b1);
        c10 = MADD(c10, x1, b0), c11 = MADD(c11, x1, b1);
        c20 = MADD(c20, x2, b0), c21 = MADD(c21, x2, b1);
        c30 = MADD(c30, x3, b0), c31 = MADD(c31, x3, b1);
      }
      wasm_v128_store(c + n, c00), wasm_v128_store(c + n + 4, c01);
      wasm_v128_store(c + ldc + n, c10), wasm_v128_store(c + ldc + n + 4, c11);
      wasm_v128_store(c + 2 * ldc + n, c20), wasm_v128_store(c + 2 * ldc + n + 4, c21);
      wasm_v128_store(c + 3 * ldc + n, c30), wasm_v128_store(c + 3 * ldc + n + 4, c31);
    }
  }
}

// Up to 4 channels at p (nc < 4: the missing lanes are 0) and the matching store.
static inline f4 load_lanes(const float *p, int nc) {
  if (nc >= 4) return wasm_v128_load(p);
  f4 v = wasm_f32x4_splat(0.f);
  v = wasm_f32x4_replace_lane(v, 0, p[0]);
  if (nc > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (nc > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

static inline void store_lanes(float *p, f4 v, int nc) {
  if (nc >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (nc > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (nc > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

// The same for int32 lanes (window indices; never moved through float values).
static inline f4 load_lanes_i32(const int *p, int nc) {
  if (nc >= 4) return wasm_v128_load(p);
  f4 v = wasm_i32x4_splat(0);
  v = wasm_i32x4_replace_lane(v, 0, p[0]);
  if (nc > 1) v = wasm_i32x4_replace_lane(v, 1, p[1]);
  if (nc > 2) v = wasm_i32x4_replace_lane(v, 2, p[2]);
  return v;
}

static inline void store_lanes_i32(int *p, f4 v, int nc) {
  if (nc >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_i32x4_extract_lane(v, 0);
  if (nc > 1) p[1] = wasm_i32x4_extract_lane(v, 1);
  if (nc > 2) p[2] = wasm_i32x4_extract_lane(v, 2);
}


// Fused bias + relu + 2x2x2 max-pool of one output tile (= one pool window): pooled value and the winning
// position (a*4 + b*2 + e), ties to the last, -1 where no value is > 0 (relu blocks the gradient).
static inline void pool_tile(const f4 *out, f4 bias, float *pooled, int *arg, int no) {
  f4 best = wasm_f32x4_splat(0.f), win = wasm_i32x4_splat(-1);
  for (int k = 0; k < 8; k++) {
    const f4 v = wasm_f32x4_add(out[k], bias);
    const f4 take = wasm_v128_and(wasm_f32x4_gt(v, wasm_f32x4_splat(0.f)), wasm_f32x4_ge(v, best));
    best = wasm_v128_bitselect(v, best, take);
    win = wasm_v128_bitselect(wasm_i32x4_splat(k), win, take);
  }
  store_lanes(pooled, best, no);
  store_lanes_i32(arg, win, no);
}

#endif
