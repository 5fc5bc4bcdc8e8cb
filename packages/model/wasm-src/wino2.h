// Winograd F(2x2x2, 3x3x3) data transforms (see winograd.c), 4 channels at a time: one 2x2x2 output tile reads
// a 4x4x4 input tile, 64 multiplies per 8 outputs. (The filter transforms are in winograd-filter.c.)
#ifndef CT3D_WINO2_H
#define CT3D_WINO2_H
#include "kernels.h"

// In-place 4-point transforms of 16 lines of a 4x4x4 block along one axis (stride s between points,
// lines enumerated by the other two axes with strides s1, s2).
#define LINES(s, s1, s2, BODY)                                 \
  for (int u = 0; u < 4; u++)                                  \
    for (int w = 0; w < 4; w++) {                              \
      f4 *q = d + u * (s1) + w * (s2);                         \
      f4 q0 = q[0], q1 = q[s], q2 = q[2 * (s)], q3 = q[3 * (s)]; \
      BODY                                                     \
    }

// B^T: (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
#define BT_BODY                                                                       \
  q[0] = wasm_f32x4_sub(q0, q2), q[s] = wasm_f32x4_add(q1, q2);                      \
  q[2 * (s)] = wasm_f32x4_sub(q2, q1), q[3 * (s)] = wasm_f32x4_sub(q1, q3);
// B: (v0, v1 - v2 + v3, v1 + v2 - v0, -v3)
#define B_BODY                                                                                         \
  q[0] = q0, q[s] = wasm_f32x4_add(wasm_f32x4_sub(q1, q2), q3);                                       \
  q[2 * (s)] = wasm_f32x4_sub(wasm_f32x4_add(q1, q2), q0), q[3 * (s)] = wasm_f32x4_neg(q3);

static inline void bt3(f4 *d) {
  int s;
  s = 1;
  LINES(s, 16, 4, BT_BODY)
  s = 4;
  LINES(s, 16, 1, BT_BODY)
  s = 16;
  LINES(s, 4, 1, BT_BODY)
}

static inline void b3(f4 *d) {
  int s;
  s = 1;
  LINES(s, 16, 4, B_BODY)
  s = 4;
  LINES(s, 16, 1, B_BODY)
  s = 16;
  LINES(s, 4, 1, B_BODY)
}

// A^T on the 64 values m (index a*16 + b*4 + e) -> 8 outputs y (index a*4 + b*2 + e):
// (m0 + m1 + m2, m1 - m2 - m3) per axis.
static inline f4 at0(f4 m0, f4 m1, f4 m2) { return wasm_f32x4_add(wasm_f32x4_add(m0, m1), m2); }
static inline f4 at1(f4 m1, f4 m2, f4 m3) { return wasm_f32x4_sub(wasm_f32x4_sub(m1, m2), m3); }

static inline void at3(const f4 *m, f4 *y) {
  f4 t1[32], t2[16];  // after the e axis: [a][b][2]; after b: [a][2][2]
  for (int i = 0; i < 16; i++) {
    const f4 *q = m + 4 * i;
    t1[2 * i] = at0(q[0], q[1], q[2]), t1[2 * i + 1] = at1(q[1], q[2], q[3]);
  }
  for (int a = 0; a < 4; a++)
    for (int e = 0; e < 2; e++) {
      const f4 *q = t1 + a * 8 + e;
      t2[a * 4 + e] = at0(q[0], q[2], q[4]), t2[a * 4 + 2 + e] = at1(q[2], q[4], q[6]);
    }
  for (int i = 0; i < 4; i++) y[i] = at0(t2[i], t2[4 + i], t2[8 + i]), y[4 + i] = at1(t2[4 + i], t2[8 + i], t2[12 + i]);
}

// A (transpose of A^T) on 8 values dy (a*4 + b*2 + e) -> 64: (g0, g0 + g1, g0 - g1, -g1) per axis.
static inline void a3(const f4 *g, f4 *m) {
  f4 t1[16], t2[32];  // after the a axis: [4][2][2]; after b: [4][4][2]
  for (int i = 0; i < 4; i++) {
    const f4 g0 = g[i], g1 = g[4 + i];
    t1[i] = g0, t1[4 + i] = wasm_f32x4_add(g0, g1), t1[8 + i] = wasm_f32x4_sub(g0, g1), t1[12 + i] = wasm_f32x4_neg(g1);
  }
  for (int a = 0; a < 4; a++)
    for (int e = 0; e < 2; e++) {
      const f4 g0 = t1[a * 4 + e], g1 = t1[a * 4 + 2 + e];
      f4 *q = t2 + a * 8 + e;
      q[0] = g0, q[2] = wasm_f32x4_add(g0, g1), q[4] = wasm_f32x4_sub(g0, g1), q[6] = wasm_f32x4_neg(g1);
    }
  for (int i = 0; i < 16; i++) {
    const f4 g0 = t2[2 * i], g1 = t2[2 * i + 1];
    f4 *q = m + 4 * i;
    q[0] = g0, q[1] = wasm_f32x4_add(g0, g1), q[2] = wasm_f32x4_sub(g0, g1), q[3] = wasm_f32x4_neg(g1);
  }
}

#endif
