// A run trained with a recipe that moves voxels (reorient, resample to 1.6 mm, the seed's quarter turn, centre
// crop, resize) on the exported page in Chromium: its probability is `ct3d predict`'s, and its heat map is
// `ct3d explain`'s map, brought back onto the scan's grid through the recipe's inverse (not the seed's).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapToScan, parseRecipe } from '@ct3d/augment';
import { invertAffine, matmul4 } from '@ct3d/core';
import { readNifti } from '@ct3d/io/node';
import { initBackend } from '@ct3d/model';
import { CHROMIUM, chromiumAvailable, openPage, type StaticServer, serveFolder } from '@ct3d/test-support';
import { explainScanFile, loadRun, predictScanFile, runPreprocessing } from '@ct3d/train';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportWebApp } from './export.js';
import { expectProbabilities } from './test-page.js';
import { phantomScan, trainTinyRun, writeScan, writeTrainingRecord } from './test-run.js';

const haveChromium = chromiumAvailable('the in-browser recipe heat map test');
const SIDE = 16;
const SCAN: [number, number, number] = [40, 36, 24];
const RECIPE = parseRecipe(
  {
    preprocess: [
      { name: 'Orientation', axcodes: 'PLI' },
      { name: 'ScaleIntensityRange', a_min: -1000, a_max: 400, b_min: 0, b_max: 1, clip: true },
      { name: 'Spacing', pixdim: [1.6, 1.6, 2.5] },
      { name: 'Rotate90', keep_size: true },
      { name: 'CenterSpatialCrop', roi_size: [14, 16, 18] },
      { name: 'Resize' },
    ],
  },
  'test recipe',
  { size: [SIDE, SIDE, SIDE] },
);

let root: string;
let site: StaticServer;
let browser: Browser;

describe.skipIf(!haveChromium)(
  'a run with a spatial recipe on the exported page',
  { timeout: 120_000 },
  () => {
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'ct3d-web-recipe-'));
      browser = await chromium.launch({ executablePath: CHROMIUM });
    });

    afterAll(async () => {
      await browser?.close();
      await site?.close();
      await rm(root, { recursive: true, force: true });
    });

    it("predicts as `ct3d predict` and overlays `ct3d explain`'s map on the scan's grid", async () => {
      const runDir = join(root, 'run');
      await trainTinyRun(runDir, SIDE);
      await writeTrainingRecord(
        runDir,
        [phantomScan(SCAN, true), phantomScan(SCAN, false)],
        [SIDE, SIDE, SIDE],
        RECIPE,
      );
      const exported = await exportWebApp({ runDir, outDir: join(root, 'site') });
      expect(exported.manifest.preprocess).toEqual(RECIPE.preprocess);
      const scanFile = join(root, 'scan.nii.gz');
      await writeScan(scanFile, SCAN, true);
      // What `ct3d predict` and `ct3d explain` compute, on the page's wasm backend.
      await initBackend('wasm');
      const run = await loadRun(runDir);
      const want = await predictScanFile(run, scanFile);
      const explained = await explainScanFile(run, scanFile);
      expect(explained.map.shape).toEqual(SCAN);

      site = await serveFolder(exported.outDir);
      const page = await openPage(browser);
      await page.goto(site.url);
      await page.waitForFunction(() => document.body.dataset.state === 'ready');
      await page.setInputFiles('#file', scanFile);
      await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''));
      expect(await page.textContent('#error')).toBe('');
      await expectProbabilities(page, want.probabilities);
      expect(await page.textContent('#sentences')).toBe(want.text);
      expect(await page.textContent('#stages li:nth-child(3)')).toMatch(
        /^Preprocess \(Orientation, ScaleIntensityRange, Spacing, Rotate90, CenterSpatialCrop, Resize\): [0-9.]+ ms$/,
      );
      await page.waitForFunction(() => document.body.dataset.viewer === 'scan+heat');
      const heat = await page.evaluate(() => {
        type Shown = { hdr: { dims: number[] }; img: ArrayLike<number> };
        const view = (globalThis as unknown as { ct3dViewer(): { nv: { volumes: Shown[] } } }).ct3dViewer();
        const v = view.nv.volumes[1];
        return { dims: v.hdr.dims.slice(1, 4), data: Array.from(v.img) };
      });
      expect(heat.dims).toEqual(SCAN);
      expect(heat.data).toHaveLength(explained.map.data.length);
      let worst = 0;
      for (const [i, x] of heat.data.entries()) worst = Math.max(worst, Math.abs(x - explained.map.data[i]));
      expect(worst).toBeLessThan(1e-5);

      // The map lies on the part of the scan the model saw, wherever the recipe put it: an all-ones map over
      // the model's grid, mapped back, covers scan voxels within the grid and leaves those more than one model
      // voxel outside it (the crop cut them) at 0, where the heat map is 0 too.
      const scan = await readNifti(scanFile);
      const preprocessing = runPreprocessing(run);
      const input = preprocessing.stage.apply(scan);
      const ones = { ...input, data: new Float32Array(input.data.length).fill(1) };
      const cover = mapToScan(preprocessing.steps, ones, scan);
      const toModel = matmul4(invertAffine(input.affine), scan.affine);
      const [nx, ny] = SCAN;
      let outside = 0;
      let inside = 0;
      for (const [i, x] of explained.map.data.entries()) {
        const vox = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny)), 1];
        const at = [0, 1, 2].map((r) => toModel[r].reduce((s, m, c) => s + m * vox[c], 0));
        const margin = Math.min(...at.map((p) => Math.min(p, SIDE - 1 - p)));
        if (margin < -1.5) {
          outside++;
          expect(
            [x, cover[i]],
            `scan voxel ${vox.slice(0, 3)} (model ${at.map((p) => p.toFixed(1))})`,
          ).toEqual([0, 0]);
        } else if (margin > 0.5) {
          inside++;
          expect(cover[i], `scan voxel ${vox.slice(0, 3)}`).toBeGreaterThan(0);
        }
      }
      expect(Math.max(...explained.map.data)).toBeGreaterThan(0); // and the map is not empty
      expect(outside).toBeGreaterThan(1000);
      expect(inside).toBeGreaterThan(1000);
      await page.close();
    });
  },
);
