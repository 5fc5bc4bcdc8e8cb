// Batch norm passes over channels-last [rows][c] data (see ../src/kernels/wasm/batchnorm.ts), 4 channels at
// a time. Per-channel sums in double precision (as f64x2 pairs), over chunks of 128 rows.
#include <wasm_simd128.h>

typedef v128_t f4;
#define EXPORT(name) __attribute__((export_name(#name)))
#define CHUNK 128

static inline int min_i(int a, int b) { return a < b ? a : b; }

static inline f4 load_n(const float *p, int n) {
  if (n >= 4) return wasm_v128_load(p);
  f4 v = wasm_f32x4_splat(0.f);
  v = wasm_f32x4_replace_lane(v, 0, p[0]);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

static inline void store_n(float *p, f4 v, int n) {
  if (n >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

static inline f4 lo(f4 v) { return wasm_f64x2_promote_low_f32x4(v); }
static inline f4 hi(f4 v) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3)); }

static inline void add_total(double *total, f4 l, f4 h, int n) {
  total[0] += wasm_f64x2_extract_lane(l, 0);
  if (n > 1) total[1] += wasm_f64x2_extract_lane(l, 1);
  if (n > 2) total[2] += wasm_f64x2_extract_lane(h, 0);
  if (n > 3) total[3] += wasm_f64x2_extract_lane(h, 1);
}

/**
 * sums[ch] = sum over rows of x (mode 0), (x - shift[ch])^2 (mode 1), or of dy (sums) and
 * dy * (x - shift) (sums + c) with mode 2 (x2 = x, x = dy). In double precision (values promoted).
 */
EXPORT(bn_sums) void bn_sums(const float *x, const float *x2, int rows, int c, const float *shift, int mode,
                             double *sums) {
  const int two = mode == 2;
  const f4 z = wasm_f64x2_splat(0);
  for (int ch = 0; ch < (two ? 2 * c : c); ch++) sums[ch] = 0;
  for (int r0 = 0; r0 < rows; r0 += CHUNK) {
    const int r1 = min_i(rows, r0 + CHUNK);
    for (int c0 = 0; c0 < c; c0 += 4) {
      const int n = min_i(4, c - c0);
      const f4 s = load_n(shift + c0, n), sl = lo(s), sh = hi(s);
      f4 al = z, ah = z, bl = z, bh = z;
      for (int r = r0; r < r1; r++) {
        const long i = (long)r * c + c0;
        const f4 v = load_n(x + i, n), vl = lo(v), vh = hi(v);
        if (mode == 0) al = wasm_f64x2_add(al, vl), ah = wasm_f64x2_add(ah, vh);
        else if (mode == 1) {
          const f4 dl = wasm_f64x2_sub(vl, sl), dh = wasm_f64x2_sub(vh, sh);
          al = wasm_f64x2_add(al, wasm_f64x2_mul(dl, dl)), ah = wasm_f64x2_add(ah, wasm_f64x2_mul(dh, dh));
        } else {
          const f4 u = load_n(x2 + i, n);
          al = wasm_f64x2_add(al, vl), ah = wasm_f64x2_add(ah, vh);
          bl = wasm_f64x2_add(bl, wasm_f64x2_mul(vl, wasm_f64x2_sub(lo(u), sl)));
          bh = wasm_f64x2_add(bh, wasm_f64x2_mul(vh, wasm_f64x2_sub(hi(u), sh)));
        }
      }
      add_total(sums + c0, al, ah, n);
      if (two) add_total(sums + c + c0, bl, bh, n);
    }
  }
}

/** out = k * a + m * (b - shift) + off per channel (b may be 0: out = k * a + off). Rows outer: one pass. */
EXPORT(bn_affine) void bn_affine(const float *a, const float *b, int rows, int c, const float *k, const float *m,
                                 const float *shift, const float *off, float *out) {
  for (int r = 0; r < rows; r++)
    for (int c0 = 0; c0 < c; c0 += 4) {
      const int n = min_i(4, c - c0);
      const long i = (long)r * c + c0;
      f4 v = wasm_f32x4_add(wasm_f32x4_mul(load_n(k + c0, n), load_n(a + i, n)), load_n(off + c0, n));
      if (b) {
        const f4 d = wasm_f32x4_sub(load_n(b + i, n), load_n(shift + c0, n));
        v = wasm_f32x4_add(v, wasm_f32x4_mul(load_n(m + c0, n), d));
      }
      store_n(out + i, v, n);
    }
}

