import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverScans } from './dataset.js';
import { readNifti } from './node.js';
import {
  maskFileName,
  synthesizeChestCT,
  synthesizeWithMask,
  writeSyntheticDataset,
} from './synthetic/index.js';

const SMALL = { size: 64, slices: 8 };

/** Voxels in the ground-glass HU range, which normal lungs (about -850 HU) rarely reach. */
function ggoVoxels(data: Float32Array): number {
  let n = 0;
  for (const v of data) if (v >= -700 && v <= -300) n++;
  return n;
}

describe('synthesizeChestCT', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = synthesizeChestCT({ ...SMALL, abnormal: true, seed: 4 });
    const b = synthesizeChestCT({ ...SMALL, abnormal: true, seed: 4 });
    const c = synthesizeChestCT({ ...SMALL, abnormal: true, seed: 5 });
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(c.data.buffer))).toBe(false);
  });

  it('holds integer HU in the int16 range, from air to bone', () => {
    const vol = synthesizeChestCT({ ...SMALL, abnormal: false, seed: 1 });
    expect(vol.shape).toEqual([64, 64, 8]);
    expect(vol.data.length).toBe(64 * 64 * 8);
    let min = Infinity;
    let max = -Infinity;
    let fractional = 0;
    for (const v of vol.data) {
      if (!Number.isInteger(v)) fractional++;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(fractional).toBe(0);
    expect(min).toBeGreaterThanOrEqual(-1200);
    expect(min).toBeLessThan(-950);
    expect(max).toBeGreaterThan(500);
    expect(max).toBeLessThanOrEqual(32767);
    // The corner is air.
    expect(vol.data[0]).toBeLessThan(-900);
  });

  it('lays the volume out like MosMedData: ~0.7 x 0.7 x 8 mm at 512, LAS affine', () => {
    const vol = synthesizeChestCT({ size: 512, slices: 2, abnormal: false, seed: 2 });
    expect(vol.spacing[0]).toBeGreaterThan(0.65);
    expect(vol.spacing[0]).toBeLessThan(0.75);
    expect(vol.spacing[1]).toBe(vol.spacing[0]);
    expect(vol.spacing[2]).toBe(8);
    expect(vol.affine[0][0]).toBeCloseTo(-vol.spacing[0], 9);
    expect(vol.affine[1][1]).toBeCloseTo(vol.spacing[1], 9);
    expect(vol.affine[2][2]).toBe(8);
  });

  it('abnormal scans add ground-glass opacities inside the lungs, on the same anatomy', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const normal = synthesizeChestCT({ size: 96, slices: 12, abnormal: false, seed });
      const abnormal = synthesizeChestCT({ size: 96, slices: 12, abnormal: true, seed });
      let changed = 0;
      let lowered = 0;
      let changedOutsideLung = 0;
      for (let i = 0; i < normal.data.length; i++) {
        const d = abnormal.data[i] - normal.data[i];
        if (d < 0) lowered++;
        if (d > 0) changed++;
        if (d > 0 && normal.data[i] > -500) changedOutsideLung++;
      }
      // Opacities only ever raise lung voxels (about -850 HU) toward -700..-300 HU.
      expect({ seed, lowered, changedOutsideLung }).toEqual({ seed, lowered: 0, changedOutsideLung: 0 });
      expect(changed).toBeGreaterThan(0);
      expect(ggoVoxels(abnormal.data)).toBeGreaterThan(ggoVoxels(normal.data));
    }
  });

  it('rejects impossible sizes', () => {
    expect(() => synthesizeChestCT({ size: 4, slices: 8, abnormal: false, seed: 0 })).toThrow(RangeError);
    expect(() => synthesizeChestCT({ size: 64, slices: 0, abnormal: false, seed: 0 })).toThrow(RangeError);
  });
});

describe('writeSyntheticDataset', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-io-synth-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes CT-0 / CT-23 int16 .nii.gz files named like MosMedData, deterministically', async () => {
    const opts = { perClass: 2, size: 32, slices: [3, 5] as [number, number], seed: 7 };
    const paths = await writeSyntheticDataset(join(dir, 'a'), opts);
    expect(paths.map((p) => p.slice(dir.length + 3))).toEqual([
      'CT-0/study_0001.nii.gz',
      'CT-0/study_0002.nii.gz',
      'CT-23/study_0003.nii.gz',
      'CT-23/study_0004.nii.gz',
    ]);
    const again = await writeSyntheticDataset(join(dir, 'b'), opts);
    for (let i = 0; i < paths.length; i++) {
      expect((await readFile(paths[i])).equals(await readFile(again[i]))).toBe(true);
    }
    for (const path of paths) {
      const vol = await readNifti(path);
      expect(vol.datatype).toBe('int16');
      expect(vol.shape.slice(0, 2)).toEqual([32, 32]);
      expect(vol.shape[2]).toBeGreaterThanOrEqual(3);
      expect(vol.shape[2]).toBeLessThanOrEqual(5);
      expect(vol.header.pixdim[0]).toBe(-1);
      expect(vol.affine[0][0]).toBeLessThan(0);
    }
    const { scans, skipped } = await discoverScans(join(dir, 'a'));
    expect(scans.map((s) => s.label)).toEqual([0, 0, 1, 1]);
    expect(skipped).toEqual([]);
  });

  it('rejects a bad slice range', async () => {
    await expect(writeSyntheticDataset(dir, { perClass: 1, slices: [5, 3] })).rejects.toThrow(RangeError);
  });
});

describe("the 'broad-dense' family", () => {
  it('draws other bodies and denser lesions than the standard family, deterministically', () => {
    const opts = { ...SMALL, abnormal: true, seed: 4 };
    const standard = synthesizeChestCT(opts);
    const broad = synthesizeChestCT({ ...opts, family: 'broad-dense' });
    const again = synthesizeChestCT({ ...opts, family: 'broad-dense' });
    expect(Buffer.from(broad.data.buffer).equals(Buffer.from(again.data.buffer))).toBe(true);
    expect(Buffer.from(broad.data.buffer).equals(Buffer.from(standard.data.buffer))).toBe(false);
    // A wider field of view: larger pixels.
    expect(broad.spacing[0]).toBeGreaterThan(380 / 64);
    expect(standard.spacing[0]).toBeLessThan(380 / 64);
    // Its normal scans hold fewer lung voxels (smaller lungs in a heavier body).
    const lungVoxels = (d: Float32Array) => d.filter((v) => v < -780 && v > -950).length;
    const normalStandard = synthesizeChestCT({ ...opts, abnormal: false });
    const normalBroad = synthesizeChestCT({ ...opts, abnormal: false, family: 'broad-dense' });
    expect(lungVoxels(normalBroad.data)).toBeLessThan(lungVoxels(normalStandard.data));
  });

  it('names the known families when given an unknown one', () => {
    expect(() =>
      synthesizeChestCT({ ...SMALL, abnormal: false, seed: 1, family: 'nope' as 'standard' }),
    ).toThrow(/unknown synthetic family "nope" \(known: standard, broad-dense\)/);
  });
});

describe('lesion masks (ct3d synth --masks)', () => {
  it('mark the voxels the opacities raised: ground glass inside, none for a normal scan', () => {
    const { scan, mask } = synthesizeWithMask({ ...SMALL, abnormal: true, seed: 4 });
    expect(mask.shape).toEqual(scan.shape);
    expect(mask.affine).toEqual(scan.affine);
    // The scan is the one synthesizeChestCT makes.
    const plain = synthesizeChestCT({ ...SMALL, abnormal: true, seed: 4 });
    expect(Buffer.from(plain.data.buffer).equals(Buffer.from(scan.data.buffer))).toBe(true);
    const normal = synthesizeChestCT({ ...SMALL, abnormal: false, seed: 4 });
    let inside = 0;
    let raised = 0;
    for (let i = 0; i < mask.data.length; i++) {
      if (mask.data[i] !== 1) continue;
      inside++;
      if (scan.data[i] > normal.data[i]) raised++;
    }
    expect(inside).toBeGreaterThan(50);
    // Same anatomy and noise in both classes: nearly every masked voxel is brighter than the normal twin's.
    expect(raised / inside).toBeGreaterThan(0.9);
    for (let i = 0; i < mask.data.length; i++)
      if (mask.data[i] === 0 && scan.data[i] !== normal.data[i])
        throw new Error(`voxel ${i} changed outside the mask`);
    expect(synthesizeWithMask({ ...SMALL, abnormal: false, seed: 4 }).mask.data.every((v) => v === 0)).toBe(
      true,
    );
  });

  it('are written beside each abnormal scan with its affine, and discovery skips them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ct3d-masks-'));
    try {
      const paths = await writeSyntheticDataset(dir, {
        perClass: 2,
        size: 32,
        slices: [6, 6],
        seed: 2,
        masks: true,
      });
      const abnormal = paths.filter((p) => p.includes('CT-23'));
      for (const p of abnormal) {
        const [scan, mask] = [await readNifti(p), await readNifti(maskFileName(p))];
        expect(maskFileName(p)).toMatch(/study_000\d_mask\.nii\.gz$/);
        expect([mask.shape, mask.affine]).toEqual([scan.shape, scan.affine]);
        expect(new Set(mask.data)).toEqual(new Set([0, 1]));
      }
      const found = await discoverScans(dir);
      expect(found.scans.map((s) => s.path).sort()).toEqual([...paths].sort());
      expect(found.skipped.map((s) => s.reason)).toEqual([
        'a lesion mask (<name>_mask.nii.gz), not a scan',
        'a lesion mask (<name>_mask.nii.gz), not a scan',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
