// Winograd F(4x4x4, 3x3x3) transforms (Lavin & Gray's F(4, 3): points 0, 1, -1, 2, -2, inf), 4 channels at a
// time: one 4x4x4 output tile reads a 6x6x6 input tile, 216 multiplies per 64 outputs (F2: 512).
// Each 1D transform maps n_in values (stride si) to n_out (stride so); sep3 applies it along all three axes.
#ifndef CT3D_WINO4_H
#define CT3D_WINO4_H
#include "kernels.h"

typedef void (*line_fn)(const f4 *in, int si, f4 *out, int so);

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define K(v) wasm_f32x4_splat(v)

// B^T: input tile -> transform domain
static inline void bt6(const f4 *d, int s, f4 *r, int so) {
  const f4 d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s];
  r[0] = ADD(SUB(MUL(K(4.f), d0), MUL(K(5.f), d2)), d4);
  r[so] = SUB(ADD(d3, d4), MUL(K(4.f), ADD(d1, d2)));
  r[2 * so] = ADD(SUB(d4, d3), MUL(K(4.f), SUB(d1, d2)));
  r[3 * so] = ADD(SUB(d4, d2), MUL(K(2.f), SUB(d3, d1)));
  r[4 * so] = SUB(SUB(d4, d2), MUL(K(2.f), SUB(d3, d1)));
  r[5 * so] = ADD(SUB(MUL(K(4.f), d1), MUL(K(5.f), d3)), d5);
}

// B (transpose of B^T): transform-domain input gradient -> input tile gradient
static inline void b6(const f4 *v, int s, f4 *x, int so) {
  const f4 v0 = v[0], v1 = v[s], v2 = v[2 * s], v3 = v[3 * s], v4 = v[4 * s], v5 = v[5 * s];
  x[0] = MUL(K(4.f), v0);
  x[so] = ADD(MUL(K(4.f), SUB(ADD(v2, v5), v1)), MUL(K(2.f), SUB(v4, v3)));
  x[2 * so] = SUB(SUB(MUL(K(-5.f), v0), MUL(K(4.f), ADD(v1, v2))), ADD(v3, v4));
  x[3 * so] = SUB(ADD(SUB(v1, v2), MUL(K(2.f), SUB(v3, v4))), MUL(K(5.f), v5));
  x[4 * so] = ADD(ADD(ADD(v0, v1), ADD(v2, v3)), v4);
  x[5 * so] = v5;
}

// A^T: 6 transform-domain values -> 4 outputs
static inline void at4(const f4 *m, int s, f4 *y, int so) {
  const f4 m0 = m[0], m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s], m5 = m[5 * s];
  const f4 s12 = ADD(m1, m2), d12 = SUB(m1, m2), s34 = ADD(m3, m4), d34 = SUB(m3, m4);
  y[0] = ADD(ADD(m0, s12), s34);
  y[so] = ADD(d12, MUL(K(2.f), d34));
  y[2 * so] = ADD(s12, MUL(K(4.f), s34));
  y[3 * so] = ADD(ADD(d12, MUL(K(8.f), d34)), m5);
}

// A (transpose of A^T): 4 output gradients -> 6 transform-domain values
static inline void a4(const f4 *g, int s, f4 *m, int so) {
  const f4 g0 = g[0], g1 = g[s], g2 = g[2 * s], g3 = g[3 * s];
  const f4 e = ADD(g0, g2), o = ADD(g1, g3);
  const f4 e2 = ADD(g0, MUL(K(4.f), g2)), o2 = ADD(MUL(K(2.f), g1), MUL(K(8.f), g3));
  m[0] = g0, m[so] = ADD(e, o), m[2 * so] = SUB(e, o);
  m[3 * so] = ADD(e2, o2), m[4 * so] = SUB(e2, o2), m[5 * so] = g3;
}

// G: 3 filter taps -> 6 transform-domain values
static inline void g6(const f4 *g, int s, f4 *u, int so) {
  const f4 g0 = g[0], g1 = g[s], g2 = g[2 * s];
  const f4 e = ADD(g0, g2), q = ADD(MUL(K(0.25f), g0), g2), h = MUL(K(0.5f), g1);
  u[0] = MUL(K(0.25f), g0);
  u[so] = MUL(K(-1.f / 6), ADD(e, g1)), u[2 * so] = MUL(K(-1.f / 6), SUB(e, g1));
  u[3 * so] = MUL(K(1.f / 6), ADD(q, h)), u[4 * so] = MUL(K(1.f / 6), SUB(q, h));
  u[5 * so] = g2;
}

// G^T: 6 transform-domain filter gradients -> 3 taps
static inline void gt6(const f4 *u, int s, f4 *g, int so) {
  const f4 u0 = u[0], u1 = u[s], u2 = u[2 * s], u3 = u[3 * s], u4 = u[4 * s], u5 = u[5 * s];
  const f4 s12 = ADD(u1, u2), s34 = ADD(u3, u4);
  g[0] = ADD(MUL(K(0.25f), u0), MUL(K(1.f / 6), SUB(MUL(K(0.25f), s34), s12)));
  g[so] = MUL(K(1.f / 6), ADD(SUB(u2, u1), MUL(K(0.5f), SUB(u3, u4))));
  g[2 * so] = ADD(MUL(K(1.f / 6), SUB(s34, s12)), u5);
}

#undef ADD
#undef SUB
#undef MUL
#undef K

// out [no][no][no] = L along each axis of in [ni][ni][ni] (index a*ni*ni + b*ni + e; element k at in[k * is],
// out[k * os]); out may be in.
static inline __attribute__((always_inline)) void sep3s(const f4 *in, int is, int ni, f4 *out, int os, int no,
                                                        line_fn L) {
  f4 t1[216], t2[216];
  for (int a = 0; a < ni; a++)  // e axis -> [ni][ni][no]
    for (int b = 0; b < ni; b++) L(in + (a * ni + b) * ni * is, is, t1 + (a * ni + b) * no, 1);
  for (int a = 0; a < ni; a++)  // b axis -> [ni][no][no]
    for (int e = 0; e < no; e++) L(t1 + a * ni * no + e, no, t2 + a * no * no + e, no);
  for (int k = 0; k < no * no; k++) L(t2 + k, no * no, out + k * os, no * no * os);  // a axis -> [no][no][no]
}

static inline __attribute__((always_inline)) void sep3(const f4 *in, int ni, f4 *out, int no, line_fn L) {
  sep3s(in, 1, ni, out, 1, no, L);
}

#endif
