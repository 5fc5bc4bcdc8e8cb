// The training page in Chromium with WebGPU on (SwiftShader, Chromium's software adapter, on 127.0.0.1): the
// same folder trained on wasm, then on webgpu. The wasm run also shows the preprocessing pool (its size said
// on the page, its workers ended after) and the stage times (each step's data wait / compute, charted and
// summed up); a JPEG-LS series is decoded in a pool worker; Stop ends the pool mid-preprocessing; a browser
// without WebGPU says so in one line. The webgpu run trains with ct3d's kernels; its weights are close to
// the wasm run's (not equal: other kernels sum in another order).
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractZip } from '@ct3d/io/download';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { CHROMIUM, chromiumAvailable, openPage, type StaticServer, serveFolder } from '@ct3d/test-support';
import { type Browser, chromium, type Page, type Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTrainPage } from './export.js';
import { plantedSeries, trainFolder } from './test-page.js';

const haveChromium = chromiumAvailable('the training page WebGPU tests');
const SIZE = '16x16x8';
const RUN = { epochs: 2, seed: 4, filters: '2' };
/** Six scans, batch 2, a 4 / 2 split: 2 steps an epoch. */
const STEPS = 2 * RUN.epochs;
/**
 * The largest |webgpu - wasm| of any trained weight: measured 2.98e-8 (one float32 ulp at 0.25) on
 * SwiftShader, the same in three runs; other kernels sum in another order, so equality is not expected.
 */
const WEIGHT_TOLERANCE = 1e-7;

let root: string;
let data: string;
let site: StaticServer;
let browser: Browser;
let page: Page;

/** Trains `data` on `backend` with RUN's settings; the downloaded run's final weights. */
async function trainOn(backend: 'wasm' | 'webgpu'): Promise<Float32Array> {
  await page.fill('#size', SIZE);
  await page.fill('#epochs', String(RUN.epochs));
  await page.fill('#seed', String(RUN.seed));
  await page.fill('#filters', RUN.filters);
  await page.selectOption('#backend', backend);
  expect(await trainFolder(page, data)).toBe('done');
  expect(await page.textContent('#error')).toBe('');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const zip = join(root, `${backend}.zip`);
  await download.saveAs(zip);
  const out = join(root, backend);
  expect((await extractZip({ zipPath: zip, outDir: out })).failed).toEqual([]);
  const run = join(out, `ct3d-run-seed${RUN.seed}`);
  const history = JSON.parse(await readFile(join(run, 'history.json'), 'utf8'));
  expect(history.loss).toHaveLength(RUN.epochs);
  for (const v of [...history.loss, ...history.val_loss]) expect(Number.isFinite(v)).toBe(true);
  const bytes = await readFile(join(run, 'model', 'weights.bin'));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

let wasmWeights: Float32Array | null = null;

/** The page's live workers (the training worker and its pool's), by path. */
const workerPaths = () => page.workers().map((w) => new URL(w.url()).pathname);

describe.skipIf(!haveChromium)(
  'the training page: preprocessing pool, stage times, WebGPU',
  { timeout: 120_000 },
  () => {
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'ct3d-train-webgpu-'));
      data = join(root, 'data');
      await writeSyntheticDataset(data, { perClass: 3, size: 24, slices: [10, 12], seed: 1 });
      const exported = await exportTrainPage({ outDir: join(root, 'site') });
      site = await serveFolder(exported.outDir);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--enable-unsafe-webgpu'] });
      page = await openPage(browser, { acceptDownloads: true });
      await page.goto(site.url);
    });

    afterAll(async () => {
      await browser?.close();
      await site?.close();
      if (root) await rm(root, { recursive: true, force: true });
    });

    it("preprocesses on min(hardwareConcurrency, 4) workers and shows each step's data wait / compute", async () => {
      const started: string[] = [];
      const onWorker = (w: Worker) => started.push(new URL(w.url()).pathname);
      page.on('worker', onWorker);
      wasmWeights = await trainOn('wasm');
      page.off('worker', onWorker);
      expect(await page.getAttribute('#backend-info', 'data-backend')).toBe('wasm');
      const want = await page.evaluate(() => Math.max(1, Math.min(navigator.hardwareConcurrency, 4)));
      // The pool's workers (nested in the training worker) started once per run, and ended with the preprocessing.
      expect(started.filter((p) => p === '/preprocess-worker.js')).toHaveLength(want);
      expect(workerPaths()).toEqual(['/worker.js']);
      const prep = page.locator('#prep-info');
      expect(await prep.getAttribute('data-workers')).toBe(String(want));
      expect(await prep.textContent()).toMatch(
        new RegExp(`^Preprocessed 6 scans in [0-9.]+ m?s on ${want} workers?$`),
      );
      expect(Number(await prep.getAttribute('data-ms'))).toBeGreaterThan(0);
      expect(await page.$$eval('#scans li[data-state="done"]', (li) => li.length)).toBe(6);
      // One time per step, from the batchEnd events: the mean wait and compute, and the chart of both.
      const times = page.locator('#step-times');
      expect(await times.getAttribute('data-steps')).toBe(String(STEPS));
      expect(Number(await times.getAttribute('data-compute-ms'))).toBeGreaterThan(0);
      expect(Number(await times.getAttribute('data-wait-ms'))).toBeGreaterThanOrEqual(0);
      expect(await times.textContent()).toMatch(
        /^Data wait \/ compute: last step .+ ms, mean of 4 steps .+ ms$/,
      );
      // The compute series' colour (chart.ts) is on the time chart.
      const drawn = await page.$eval('#time-chart', (c) => {
        const { data } = (c as HTMLCanvasElement).getContext('2d')?.getImageData(0, 0, 900, 160) ?? {
          data: [],
        };
        let n = 0;
        for (let i = 0; i < data.length; i += 4)
          if (data[i] === 0x8c && data[i + 1] === 0x56 && data[i + 2] === 0x4b) n++;
        return n;
      });
      expect(drawn).toBeGreaterThan(0);
    });

    it("preprocesses a compressed DICOM series in a pool worker (its codec loaded from the page's wasm/)", async () => {
      const mixed = join(root, 'compressed');
      await cp(data, mixed, { recursive: true });
      plantedSeries(join(mixed, 'CT-0', 'series-jls'), {
        syntax: 'JPEG-LS lossless',
        seed: 34,
        description: 'Lung JPEG-LS',
      });
      await page.fill('#epochs', '1');
      await page.selectOption('#backend', 'wasm');
      expect(await trainFolder(page, mixed)).toBe('done');
      expect(
        await page.$$eval('#scans li[data-state="error"]', (li) => li.map((l) => l.textContent)),
      ).toEqual([]);
      expect(await page.$$eval('#scans li[data-state="done"]', (li) => li.length)).toBe(7);
    });

    it('Stop during preprocessing ends the pool: no more scans, its workers gone', async () => {
      // 30 scans: each class folder's scans five times over.
      const folder = join(root, 'many');
      for (let copy = 0; copy < 5; copy++)
        for (const cls of ['CT-0', 'CT-23'])
          await cp(join(data, cls), join(folder, cls, `copy-${copy}`), { recursive: true });
      await page.setInputFiles('#folder', folder);
      const poolStarted = page.waitForEvent('worker', (w) => w.url().endsWith('/preprocess-worker.js'));
      await page.click('#train');
      await poolStarted;
      await page.click('#stop');
      await page.waitForFunction(() => document.body.dataset.state === 'stopped');
      expect(await page.getAttribute('#prep-info', 'data-ms')).toBeNull();
      await expect.poll(workerPaths).toEqual(['/worker.js']);
      const done = await page.$$eval('#scans li[data-state="done"]', (li) => li.length);
      expect(done).toBeLessThan(30);
      expect(await page.$$eval('#scans li', (li) => li.length)).toBe(30);
      expect(await page.isHidden('#download')).toBe(true);
    });

    it('says in one line why when WebGPU is chosen in a browser without it', async () => {
      const plain = await chromium.launch({ executablePath: CHROMIUM });
      try {
        const other = await openPage(plain);
        await other.goto(site.url);
        await other.fill('#size', SIZE);
        await other.fill('#filters', RUN.filters);
        await other.selectOption('#backend', 'webgpu');
        expect(await trainFolder(other, data)).toBe('error');
        expect((await other.textContent('#error')) ?? '').toMatch(/^backend 'webgpu' unavailable: \S.*$/);
        expect(await other.isHidden('#download')).toBe(true);
      } finally {
        await plain.close();
      }
    });

    it("trains on WebGPU with ct3d's kernels, twice in the tab: finite losses, the wasm run's weights within the tolerance", async () => {
      expect(wasmWeights).not.toBeNull();
      // Twice: the second run reuses the worker's WebGPU device and backend.
      for (let run = 0; run < 2; run++) {
        const gpu = await trainOn('webgpu');
        expect(await page.getAttribute('#backend-info', 'data-backend')).toBe('webgpu');
        expect(await page.textContent('#backend-info')).toMatch(/^Training on webgpu: .*ct3d's 3D kernels/);
        expect(gpu.length).toBe(wasmWeights?.length);
        let max = 0;
        for (const [i, w] of gpu.entries()) {
          expect(Number.isFinite(w)).toBe(true);
          max = Math.max(max, Math.abs(w - (wasmWeights?.[i] ?? Number.NaN)));
        }
        console.log(
          `${await page.textContent('#backend-info')}; webgpu vs wasm: max |weight difference| ${max.toExponential(2)} over ${gpu.length} weights`,
        );
        expect(max).toBeLessThan(WEIGHT_TOLERANCE);
      }
      const shots = process.env.CT3D_SCREENSHOT_DIR;
      if (shots) await page.screenshot({ path: join(shots, 'web-train-webgpu.png'), fullPage: true });
    });
  },
);
