import type { NiftiHeader } from './nifti-header.js';

type Mat3 = number[][];

/** Rotation matrix of the unit quaternion (w, x, y, z), as nibabel's quat2mat. */
function quaternionToRotation(w: number, x: number, y: number, z: number): Mat3 {
  const n = w * w + x * x + y * y + z * z;
  if (n < 1e-12)
    return [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
  const s = 2 / n;
  const [X, Y, Z] = [x * s, y * s, z * s];
  return [
    [1 - (y * Y + z * Z), x * Y - w * Z, x * Z + w * Y],
    [x * Y + w * Z, 1 - (x * X + z * Z), y * Z - w * X],
    [x * Z - w * Y, y * Z + w * X, 1 - (x * X + y * Y)],
  ];
}

/** qform affine exactly as nibabel's get_qform: R(quaternion) * diag(pixdim) with qfac flipping k. */
export function qformAffine(header: NiftiHeader): number[][] {
  const [b, c, d] = header.quatern;
  // nibabel's fillpositive: a tiny negative w^2 from float rounding counts as 0.
  const w2 = 1 - (b * b + c * c + d * d);
  const a = w2 > 0 ? Math.sqrt(w2) : 0;
  const R = quaternionToRotation(a, b, c, d);
  // nibabel fixes any qfac other than -1 to 1 when it loads a header.
  const qfac = header.pixdim[0] === -1 ? -1 : 1;
  const zooms = [Math.abs(header.pixdim[1]), Math.abs(header.pixdim[2]), Math.abs(header.pixdim[3]) * qfac];
  const rows = R.map((row, r) => [
    row[0] * zooms[0],
    row[1] * zooms[1],
    row[2] * zooms[2],
    header.qoffset[r],
  ]);
  return [...rows, [0, 0, 0, 1]];
}

/** nibabel's fallback when no transform is coded: pixdim diagonal with x flipped, centred on the volume. */
export function baseAffine(shape: readonly number[], spacing: readonly number[]): number[][] {
  const zooms = [-spacing[0], spacing[1], spacing[2]];
  const rows = zooms.map((z, r) => {
    const row = [0, 0, 0, (-(shape[r] - 1) / 2) * z];
    row[r] = z;
    return row;
  });
  return [...rows, [0, 0, 0, 1]];
}

/** The affine nibabel's get_best_affine picks: sform if coded, else qform if coded, else the base affine. */
export function niftiAffine(
  header: NiftiHeader,
  shape: readonly number[],
  spacing: readonly number[],
): number[][] {
  if (header.sformCode > 0) return [...header.srow.map((row) => [...row]), [0, 0, 0, 1]];
  if (header.qformCode > 0) return qformAffine(header);
  return baseAffine(shape, spacing);
}

function det3(m: Mat3): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

/** Nearest orthogonal matrix by the Newton polar iteration X <- (X + X^-T) / 2 (removes shear). */
function orthogonalize(m: Mat3): Mat3 {
  let x = m.map((row) => [...row]);
  for (let iter = 0; iter < 50; iter++) {
    const det = det3(x);
    if (Math.abs(det) < 1e-12)
      return [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ];
    // Inverse transpose = cofactor matrix / det.
    const cof = (r: number, c: number) => {
      const rs = [0, 1, 2].filter((i) => i !== r);
      const cs = [0, 1, 2].filter((i) => i !== c);
      const minor = x[rs[0]][cs[0]] * x[rs[1]][cs[1]] - x[rs[0]][cs[1]] * x[rs[1]][cs[0]];
      return ((r + c) % 2 === 0 ? minor : -minor) / det;
    };
    const next = x.map((row, r) => row.map((v, c) => 0.5 * (v + cof(r, c))));
    const change = next.flat().reduce((s, v, i) => s + Math.abs(v - x.flat()[i]), 0);
    x = next;
    if (change < 1e-12) break;
  }
  return x;
}

/** The qform fields (quaternion, offset, qfac, zooms) that encode an affine, as nifti1_io's mat44_to_quatern. */
export function affineToQform(affine: number[][]): {
  quatern: [number, number, number];
  qoffset: [number, number, number];
  qfac: 1 | -1;
  zooms: [number, number, number];
} {
  const zooms = [0, 1, 2].map((c) => Math.hypot(affine[0][c], affine[1][c], affine[2][c])) as [
    number,
    number,
    number,
  ];
  const unit = [0, 1, 2].map((r) =>
    [0, 1, 2].map((c) => (zooms[c] > 0 ? affine[r][c] / zooms[c] : r === c ? 1 : 0)),
  );
  const R = orthogonalize(unit);
  let qfac: 1 | -1 = 1;
  if (det3(R) < 0) {
    qfac = -1;
    for (const row of R) row[2] = -row[2];
  }
  const [[r11, r12, r13], [r21, r22, r23], [r31, r32, r33]] = R;
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) [b, c, d] = [-b, -c, -d];
  }
  return { quatern: [b, c, d], qoffset: [affine[0][3], affine[1][3], affine[2][3]], qfac, zooms };
}
