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
