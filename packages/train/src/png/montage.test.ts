// The run folder's montage against NiiVue's conventions: the asymmetric phantom's marker (left, posterior,
// superior) must land in the quadrant NiiVue draws it in, in every tile, read back from the PNG file.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invertAffine, toChannelsLast, type Volume } from '@ct3d/core';
import { buildSeedModel } from '@ct3d/model';
import { processScan } from '@ct3d/preprocess';
import { brightQuadrants, MARKER, markerQuadrant, markerScan, type Plane } from '@ct3d/test-support';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { fit, fitToEnd } from '../fit.js';
import { writeMontagePng } from './index.js';
import { batchSample, type MontageScan, renderMontage } from './montage.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-montage-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The voxel of `v` nearest the marker's centre (world mm through the inverse affine). */
function markerVoxel(v: Volume): [number, number, number] {
  const m = invertAffine(v.affine);
  const [x, y, z] = MARKER.centreMm;
  return [0, 1, 2].map((r) => Math.round(m[r][0] * x + m[r][1] * y + m[r][2] * z + m[r][3])) as [
    number,
    number,
    number,
  ];
}

type Box = { x: number; y: number; w: number; h: number };

/** Writes the montage as the run folder does and decodes the PNG file. */
async function montagePng(scan: MontageScan, through: [number, number, number], name: string) {
  const path = join(dir, `${name}.png`);
  await writeMontagePng(path, scan, { scale: 1, through });
  return PNG.sync.read(await readFile(path));
}

/** Expects the marker in NiiVue's neurological quadrant of `box` (and nowhere else in it). */
function expectMarker(png: PNG, box: Box, plane: Plane): void {
  const counts = brightQuadrants(png.data, png.width, box);
  const where = markerQuadrant(plane, false);
  expect([plane, counts[where] >= 4]).toEqual([plane, true]);
  const elsewhere = Object.entries(counts).filter(([q]) => q !== where);
  expect([plane, elsewhere]).toEqual([plane, elsewhere.map(([q]) => [q, 0])]);
}

describe('montage', () => {
  it("shows the phantom's marker where NiiVue does: axial tiles, then the coronal and sagittal tile", async () => {
    const scan = markerScan(); // 40 x 40 x 20 at 1 mm, RAS+ axes
    const through = markerVoxel(scan);
    const png = await montagePng({ ...scan, layout: 'nifti' }, through, 'marker');
    // 20 slices: 2 rows of 10 axial tiles (40 x 40 px), then coronal (40 x 20) and sagittal (40 x 20).
    expect([png.width, png.height]).toEqual([400, 2 * 40 + 20]);
    const k = through[2];
    expectMarker(png, { x: (k % 10) * 40, y: Math.floor(k / 10) * 40, w: 40, h: 40 }, 'axial');
    // A tile below the marker (slice 5) shows none of it.
    expect(Object.values(brightQuadrants(png.data, png.width, { x: 200, y: 0, w: 40, h: 40 }))).toEqual([
      0, 0, 0, 0,
    ]);
    expectMarker(png, { x: 0, y: 80, w: 40, h: 20 }, 'coronal');
    expectMarker(png, { x: 40, y: 80, w: 40, h: 20 }, 'sagittal');
    // Without an affine the voxel axes are R, A, S (as NiiVue shows such a volume): the same picture here.
    const bare = renderMontage(
      { data: scan.data, shape: scan.shape, layout: 'nifti' },
      { scale: 1, through },
    );
    expect(Buffer.from(await bare.toPng()).equals(await readFile(join(dir, 'marker.png')))).toBe(true);
  });

  it("places the model's input (the seed's rotate90 and resize) by its affine: the marker stays put", async () => {
    const input = processScan(markerScan(), { size: [32, 32, 16] });
    const through = markerVoxel(input);
    // A batch sample (channels-last, as fit() keeps it) with its cache file's affine.
    const x = toChannelsLast(input);
    const sample = { ...batchSample({ x, shape: [1, 32, 32, 16, 1] }), affine: input.affine };
    const png = await montagePng(sample, through, 'input');
    // The affine's spacing: 40 mm in 32 voxels, 20 mm in 16 (1.25 mm each), drawn at 1 pixel per voxel.
    const tile = { w: 32, h: 32 };
    expect([png.width, png.height]).toEqual([10 * tile.w, 2 * tile.h + 16]);
    const k = through[2];
    expectMarker(png, { x: (k % 10) * tile.w, y: Math.floor(k / 10) * tile.h, ...tile }, 'axial');
    expectMarker(png, { x: 0, y: 2 * tile.h, w: 32, h: 16 }, 'coronal');
    expectMarker(png, { x: 32, y: 2 * tile.h, w: 32, h: 16 }, 'sagittal');
  });

  it("fit()'s run folder montage.png places its first sample by the affine scanAffine gives for its id", async () => {
    const input = processScan(markerScan(), { size: [32, 32, 16] });
    const x = new Float32Array(2 * input.data.length);
    x.set(toChannelsLast(input));
    const batch = { x, y: Float32Array.from([1, 0]), shape: [2, 32, 32, 16, 1], ids: ['marker', 'blank'] };
    const model = buildSeedModel({ width: 32, height: 32, depth: 16, filters: [2], denseUnits: 2, seed: 3 });
    const asked: string[] = [];
    const runDir = join(dir, 'run');
    await fitToEnd(
      fit({
        model,
        train: () => [batch],
        epochs: 1,
        runDir,
        checkpoint: false,
        scanAffine: async (id) => {
          asked.push(id);
          return input.affine;
        },
      }),
    );
    model.dispose();
    expect(asked).toEqual(['marker']);
    const png = PNG.sync.read(await readFile(join(runDir, 'montage.png')));
    // The default zoom makes slices >= 96 px: 3 px per (1.25 mm) voxel here, axial tiles 96 x 96.
    const k = markerVoxel(input)[2];
    expectMarker(png, { x: (k % 10) * 96, y: Math.floor(k / 10) * 96, w: 96, h: 96 }, 'axial');
  }, 30_000);

  it('draws voxels at their physical size (thick slices make tall coronal and sagittal tiles)', () => {
    const data = new Float32Array(8 * 6 * 4).map((_, i) => i % 5);
    const affine = [
      [0, 1, 0, 0], // voxel j runs along R (1 mm), voxel i along A (1 mm), k along S (3 mm)
      [1, 0, 0, 0],
      [0, 0, 3, 0],
      [0, 0, 0, 1],
    ];
    const r = renderMontage({ data, shape: [8, 6, 4], layout: 'nifti', affine }, { scale: 2 });
    // Axial tiles: 6 (R) x 8 (A) voxels at 2 px; coronal 6 x 4 voxels of 1 x 3 mm; sagittal 8 x 4.
    expect([r.width, r.height]).toEqual([Math.max(4 * 12, 12 + 16), 16 + 24]);
  });

  it('is the 4 x 10 grid of the first 40 slices for a deep scan, over the coronal and sagittal row', async () => {
    const n = 16;
    const data = new Float32Array(n * n * 64).map((_, i) => (i % 7) / 7);
    const path = join(dir, 'deep.png');
    await writeMontagePng(path, { data, shape: [n, n, 64], layout: 'channels-last' }, { scale: 1 });
    const png = PNG.sync.read(await readFile(path));
    expect([png.width, png.height]).toEqual([10 * n, 4 * n + 64]);
    expect(() => batchSample({ x: data, shape: [1, n, n, 64, 1] }, 1)).toThrow(/outside batch of 1/);
  });
});
