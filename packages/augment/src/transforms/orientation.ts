import { remapping, type TransformDef } from './make.js';
import type { VoxelMap } from './remap.js';
import type { Geometry } from './types.js';

const LETTERS = ['RL', 'AP', 'SI'];

/** For each voxel axis: the world axis it runs along most (greedy, largest component first) and its sign. */
export function axisCodes(affine: number[][]): string {
  const used = { rows: new Set<number>(), cols: new Set<number>() };
  const codes = ['', '', ''];
  const norm = [0, 1, 2].map((c) => Math.hypot(affine[0][c], affine[1][c], affine[2][c]) || 1);
  for (let pick = 0; pick < 3; pick++) {
    let best = { r: -1, c: -1, x: -1 };
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) {
        const x = Math.abs(affine[r][c]) / norm[c];
        if (!used.rows.has(r) && !used.cols.has(c) && x > best.x) best = { r, c, x };
      }
    used.rows.add(best.r);
    used.cols.add(best.c);
    codes[best.c] = LETTERS[best.r][affine[best.r][best.c] >= 0 ? 0 : 1];
  }
  return codes.join('');
}

/** The voxel map that reorders and flips the axes of `g` so they run along `axcodes` (e.g. RAS). */
export function orientationMap(g: Geometry, axcodes: string): VoxelMap {
  const have = axisCodes(g.affine);
  const map: VoxelMap = { shape: [1, 1, 1], from: [0, 1, 2], step: [1, 1, 1], start: [0, 0, 0] };
  for (let a = 0; a < 3; a++) {
    const world = LETTERS.findIndex((l) => l.includes(axcodes[a]));
    const i = [...have].findIndex((code) => LETTERS[world].includes(code));
    const same = have[i] === axcodes[a];
    map.from[a] = i;
    map.shape[a] = g.shape[i];
    map.step[a] = same ? 1 : -1;
    map.start[a] = same ? 0 : g.shape[i] - 1;
  }
  return map;
}

/** MONAI Orientation(axcodes): reorient the voxel axes to a named code (RAS, LPS, ...) read from the affine. */
export const Orientation: TransformDef = {
  name: 'Orientation',
  create(p) {
    const codes = p.text('axcodes', 'RAS').toUpperCase();
    if (codes.length !== 3 || !LETTERS.every((l) => [...codes].filter((c) => l.includes(c)).length === 1))
      p.fail('axcodes', 'must be 3 letters, one of each of R/L, A/P and S/I (e.g. RAS)');
    return remapping('Orientation', p.done(), (_shape, g) => orientationMap(g, codes));
  },
};
