/** 4x4 matrix product a @ b (row-major rows), used to carry voxel-to-world affines through resampling. */
export function matmul4(a: number[][], b: number[][]): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < 4; r++) {
    const row: number[] = [];
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r][k] * b[k][c];
      row.push(s);
    }
    out.push(row);
  }
  return out;
}

/** Throws a one-line error unless `v` is a well-formed volume (data length matches shape). */
export function assertVolume(v: { data: { length: number }; shape: readonly number[] }, what: string): void {
  const [nx, ny, nz] = v.shape;
  const ok = v.shape.length === 3 && [nx, ny, nz].every((n) => Number.isInteger(n) && n > 0);
  if (!ok) throw new Error(`${what}: invalid shape [${v.shape.join(', ')}]`);
  if (v.data.length !== nx * ny * nz) {
    throw new Error(`${what}: data length ${v.data.length} does not match shape [${nx}, ${ny}, ${nz}]`);
  }
}

/** The inverse of a 4x4 affine [[R, t], [0, 0, 0, 1]]: [[R^-1, -R^-1 t], [0, 0, 0, 1]]; throws when R is singular. */
export function invertAffine(a: number[][]): number[][] {
  const [[a0, a1, a2], [b0, b1, b2], [c0, c1, c2]] = a;
  const det = a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('invertAffine: singular affine');
  const r = [
    [(b1 * c2 - b2 * c1) / det, (a2 * c1 - a1 * c2) / det, (a1 * b2 - a2 * b1) / det],
    [(b2 * c0 - b0 * c2) / det, (a0 * c2 - a2 * c0) / det, (a2 * b0 - a0 * b2) / det],
    [(b0 * c1 - b1 * c0) / det, (a1 * c0 - a0 * c1) / det, (a0 * b1 - a1 * b0) / det],
  ];
  const t = [0, 1, 2].map((i) => -(r[i][0] * a[0][3] + r[i][1] * a[1][3] + r[i][2] * a[2][3]));
  return [
    [...r[0], t[0]],
    [...r[1], t[1]],
    [...r[2], t[2]],
    [0, 0, 0, 1],
  ];
}
