// The exported page in Chromium: a run trained here, exported, served by a plain static server; a scan set on
// the file input must get `ct3d predict`'s probability and sentences, a heat map, and bad files one message.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityAffine, printable } from '@ct3d/core';
import { decodeNifti, encodeNifti, MIN_SCAN_EXTENT } from '@ct3d/io';
import { writeNifti } from '@ct3d/io/node';
import { buildSeedModel, initBackend, saveModel } from '@ct3d/model';
import { processScan, windowedHuStats } from '@ct3d/preprocess';
import {
  CHROMIUM,
  chromiumAvailable,
  nonFiniteScans,
  openPage,
  type StaticServer,
  serveFolder,
} from '@ct3d/test-support';
import { explainScanFile, loadRun, predictScanFile, type ScanPrediction } from '@ct3d/train';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportResult, exportWebApp } from './export.js';
import { runFactsText, runWarnings } from './page/checks.js';
import {
  expectProbabilities,
  finished,
  markerQuadrants,
  requestCount,
  writeMarkerScan,
} from './test-page.js';
import { phantomScan, trainTinyRun, writeScan, writeTrainingRecord } from './test-run.js';

const haveChromium = chromiumAvailable('the in-browser diagnosis tests');
const SIDE = 16;

let root: string;
let site: StaticServer;
let other: StaticServer;
let browser: Browser;
let page: Page;
let goodScan: string;
let expected: ScanPrediction;
let exported: ExportResult;
const requests: { url: string; method: string; body: string | null }[] = [];
/** The page folders served to the browser: every request must go to one of them. */
const origins: string[] = [];

/**
 * Sets `file` (a path or bytes) on the page's file input and waits for the page to finish with it: 'done', or
 * 'error: ' and the page's message.
 */
async function diagnose(file: string | { name: string; buffer: Buffer }, on = page): Promise<string> {
  const input =
    typeof file === 'string'
      ? file
      : { name: file.name, mimeType: 'application/octet-stream', buffer: file.buffer };
  await on.setInputFiles('#file', input);
  await on.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''));
  const state = await on.getAttribute('body', 'data-state');
  return state === 'done' ? state : `error: ${await on.textContent('#error')}`;
}

/** Node's NiftiError text for `bytes` named `name` (what `ct3d predict` prints after the path). */
function nodeError(bytes: Uint8Array, name: string): string {
  try {
    decodeNifti(bytes, { name, minExtent: MIN_SCAN_EXTENT });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${name} decoded in Node`);
}

describe.skipIf(!haveChromium)('the exported page in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ct3d-web-'));
    const runDir = join(root, 'runs', 'tiny');
    await trainTinyRun(runDir, SIDE);
    // The training scans' record: phantoms of about the test scans' shape.
    const trainShapes: [number, number, number][] = [
      [40, 36, 24],
      [44, 40, 28],
      [36, 32, 20],
      [40, 40, 24],
    ];
    await writeTrainingRecord(
      runDir,
      trainShapes.map((shape, i) => phantomScan(shape, i % 2 === 0)),
      [SIDE, SIDE, SIDE],
    );
    exported = await exportWebApp({ runDir, outDir: join(root, 'site') });
    expect(exported.manifest).toMatchObject({
      inputSize: [SIDE, SIDE, SIDE],
      head: 'sigmoid',
      checkpoint: 'best',
    });
    goodScan = join(root, 'good.nii.gz');
    await writeScan(goodScan, [40, 36, 24], true);
    // What `ct3d predict --run runs/tiny good.nii.gz` computes, on the same wasm backend as the page.
    await initBackend('wasm');
    expected = await predictScanFile(await loadRun(runDir), goodScan);
    site = await serveFolder(exported.outDir);
    origins.push(site.url);
    other = await serveFolder(root); // another origin: the page must not reach it
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--js-flags=--expose-gc'] });
    page = await openPage(browser);
    page
      .context()
      .on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData() }));
    await page.goto(site.url);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await other?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('predicts as `ct3d predict` does, says the seed sentences, times each stage and draws a heat map', async () => {
    expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm');
    expect(await diagnose(goodScan)).toBe('done');
    expect(expected.probabilities).toHaveLength(2);
    await expectProbabilities(page, expected.probabilities);
    expect(await page.textContent('#sentences')).toBe(expected.text);
    expect(await page.textContent('#scan-name')).toBe('good.nii.gz');
    expect(await page.isHidden('#warnings')).toBe(true); // like the training scans
    const stages = await page.$$eval('#stages li', (li) =>
      li.map((l) => [l.dataset.stage, Number(l.dataset.ms)]),
    );
    expect(stages.map(([s]) => s)).toEqual(['read', 'decode', 'preprocess', 'predict', 'gradcam']);
    for (const [, ms] of stages) expect(ms).toBeGreaterThanOrEqual(0);
    // The viewer (NiiVue) holds the scan on its own grid and the heat map on the same grid.
    await page.waitForFunction(() => document.body.dataset.viewer === 'scan+heat');
    const dims = await page.evaluate(() =>
      (globalThis as unknown as { ct3dViewer(): { nv: { volumes: { hdr: { dims: number[] } }[] } } })
        .ct3dViewer()
        .nv.volumes.map((v) => v.hdr.dims.slice(1, 4)),
    );
    expect(dims).toEqual([
      [40, 36, 24],
      [40, 36, 24],
    ]);
    // The map is `ct3d explain`'s (the same method, class and inverse preprocessing), on the same backend.
    const shownHeat = await page.evaluate(() =>
      Array.from(
        (globalThis as unknown as { ct3dViewer(): { nv: { volumes: { img: Float32Array }[] } } }).ct3dViewer()
          .nv.volumes[1].img,
      ),
    );
    const cli = await explainScanFile(await loadRun(join(root, 'runs', 'tiny')), goodScan);
    expect(cli.method).toBe('occlusion');
    // Bit for bit: the same wasm kernels in the tab's worker and here.
    expect(shownHeat).toEqual(Array.from(cli.map.data));
    const shots = process.env.CT3D_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: join(shots, 'web-predict.png'), fullPage: true });
  });

  it("shows an asymmetric phantom where NiiVue's conventions say: patient left on the left (neurological) or right", async () => {
    const file = join(root, 'marker.nii.gz');
    await writeMarkerScan(file);
    expect(await diagnose(file)).toBe('done');
    await page.waitForFunction(() => document.body.dataset.viewer === 'scan+heat');
    const quadrants = (radiological: boolean) => markerQuadrants(page, radiological);
    const neurological = await quadrants(false);
    expect(neurological.bottomLeft).toBeGreaterThan(100);
    expect(neurological.topLeft + neurological.topRight + neurological.bottomRight).toBe(0);
    const shots = process.env.CT3D_SCREENSHOT_DIR;
    if (shots)
      await page.locator('#viewer-canvas').screenshot({ path: join(shots, 'web-marker-neurological.png') });
    const radiological = await quadrants(true);
    expect(radiological.bottomRight).toBeGreaterThan(100);
    expect(radiological.topLeft + radiological.topRight + radiological.bottomLeft).toBe(0);
    if (shots)
      await page.locator('#viewer-canvas').screenshot({ path: join(shots, 'web-marker-radiological.png') });
    await page.evaluate(() => {
      const v = (
        globalThis as unknown as {
          ct3dViewer(): {
            setRadiological(on: boolean): void;
            setLayout(n: string): void;
            nv: { opts: Record<string, unknown> };
          };
        }
      ).ct3dViewer();
      Object.assign(v.nv.opts, { isColorbar: true, isOrientationTextVisible: true, crosshairWidth: 1 });
      v.setRadiological(false);
      v.setLayout('multiplanar');
    });
  });

  it("says it is for research only and shows the run's validation results, from metrics.json", async () => {
    const metrics = JSON.parse(await readFile(join(root, 'runs', 'tiny', 'metrics.json'), 'utf8'));
    const { validation, trainingScans } = exported.manifest;
    expect(validation).toEqual({
      epoch: metrics.bestEpoch,
      scans: 4,
      auc: metrics.best.val_auc,
      sensitivity: metrics.best.val_sensitivity,
      specificity: metrics.best.val_specificity,
      threshold: 0.5,
    });
    expect(trainingScans).toBe(4);
    expect(await page.isVisible('#disclaimer')).toBe(true);
    expect(await page.textContent('#disclaimer')).toMatch(/^Research use only, not for diagnosis/);
    expect(await page.textContent('#run-facts')).toBe(runFactsText(exported.manifest));
    expect(await page.textContent('#run-facts')).toContain(`AUC ${metrics.best.val_auc.toFixed(3)}`);
    const warnings = await page.$$eval('#run-warnings li', (li) => li.map((l) => l.textContent));
    expect(warnings).toEqual(runWarnings(exported.manifest));
    expect(warnings.length > 0).toBe(metrics.best.val_auc < 0.6);
  });

  it('warns when the scan is far from the training scans: its shape, its HU', async () => {
    const far = join(root, 'far.nii.gz');
    await writeScan(far, [120, 36, 24], true);
    expect(await diagnose(far)).toBe('done');
    // Its body fills less of its field of view, so its HU statistics may be far too: the shape comes first.
    const farShown = await page.$$eval('#warnings li', (li) => li.map((l) => l.textContent));
    expect(farShown[0]).toBe(
      "The scan's shape 120x36x24 is far from the training scans' (36x32x20 to 44x40x28).",
    );
    // A scan of bone everywhere (+400 HU and over): its windowed HU mean and std are far from a chest's.
    const bone = phantomScan([40, 36, 24], false);
    bone.data.fill(700);
    const boneFile = join(root, 'bone.nii.gz');
    await writeNifti(bone, boneFile, { datatype: 'int16' });
    expect(await diagnose(boneFile)).toBe('done');
    const shown = await page.$$eval('#warnings li', (li) => li.map((l) => l.textContent ?? ''));
    expect(shown).toHaveLength(2);
    // The numbers `ct3d predict`'s preprocessing gives in Node.
    const hu = windowedHuStats(processScan(bone, { size: [SIDE, SIDE, SIDE] }).data);
    expect(hu.mean).toBeGreaterThan(0);
    expect(shown[0]).toMatch(
      new RegExp(`^The scan's HU mean ${hu.mean.toFixed(0)} is far from the training`),
    );
    expect(shown[1]).toMatch(
      new RegExp(`^The scan's HU standard deviation ${hu.std.toFixed(0)} is far from the training`),
    );
  });

  it('shows the file name escaped, and after a failure marks the failed stage and runs nothing', async () => {
    const name = 'odd\u202egz.nii.gz';
    expect(await diagnose({ name, buffer: await readFile(goodScan) })).toBe('done');
    expect(await page.textContent('#scan-name')).toBe(printable(name));
    expect(await page.textContent('#scan-name')).toBe('odd\\u202egz.nii.gz');
    const good = await readFile(goodScan);
    expect(await diagnose({ name: 'cut.nii.gz', buffer: good.subarray(0, good.length >> 1) })).toMatch(
      /^error: /,
    );
    const stages = await page.$$eval('#stages li', (li) => li.map((l) => [l.className, l.textContent]));
    expect(stages).toEqual([
      ['done', expect.stringMatching(/^Read the file: [0-9.]+ ms$/)],
      ['failed', 'Decode NIfTI: failed'],
      ['skipped', 'Preprocess (ScaleIntensityRange, Rotate90, Resize): not run'],
      ['skipped', 'Predict: not run'],
      ['skipped', 'Heat map: not run'],
    ]);
  });

  it('refuses bad files with the NiftiError text, before allocating a too large one, and stays usable', async () => {
    const good = await readFile(goodScan);
    const volume = (shape: [number, number, number]) => ({
      data: new Float32Array(shape[0] * shape[1] * shape[2]),
      shape,
      spacing: [1, 1, 1] as [number, number, number],
      affine: identityAffine(),
    });
    const flat = encodeNifti(volume([32, 32, 1]));
    // A valid header claiming 2048 x 2048 x 1024 int16 voxels (8 GiB decoded) in a file of a few bytes.
    const huge = Buffer.from(encodeNifti(volume([4, 4, 4]), { datatype: 'int16' }));
    const dims = new DataView(huge.buffer, huge.byteOffset);
    for (const [i, n] of [2048, 2048, 1024].entries()) dims.setInt16(42 + 2 * i, n, true);
    const cases = [
      { name: 'notes.nii', buffer: Buffer.from('these are not the voxels you are looking for '.repeat(20)) },
      { name: 'cut.nii.gz', buffer: good.subarray(0, Math.floor(good.length / 2)) },
      { name: 'xray.nii', buffer: Buffer.from(flat) },
    ];
    for (const bad of cases) expect(await diagnose(bad)).toBe(`error: ${nodeError(bad.buffer, bad.name)}`);
    expect(await diagnose({ name: 'huge.nii', buffer: huge })).toMatch(
      /^error: huge\.nii: needs 24\.0 GiB in this tab .*; the page's limit is 1\.5 GiB$/,
    );
    expect(await diagnose(goodScan)).toBe('done');
    expect(await page.isHidden('#error')).toBe(true);
  });

  it('refuses scans whose voxels are not all finite, naming the file and the count, and goes on', async () => {
    for (const bad of nonFiniteScans(encodeNifti)) {
      const shown = await diagnose({ name: bad.name, buffer: Buffer.from(bad.bytes) });
      expect(shown).toBe(
        `error: ${bad.name}: ${bad.nonFinite} non-finite voxels (NaN/Inf, ${bad.percent}% of ${bad.voxels}); refused: a prediction from them would mean nothing`,
      );
      expect(await page.isHidden('#result')).toBe(true);
      // The next file is diagnosed as usual.
      expect(await diagnose(goodScan)).toBe('done');
      await expectProbabilities(page, expected.probabilities);
    }
  });

  it('takes a file dropped on the drop zone', async () => {
    const b64 = (await readFile(goodScan)).toString('base64');
    const since = await requestCount(page);
    await page.evaluate((data) => {
      const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'dropped.nii.gz');
      const dataTransfer = new DataTransfer();
      dataTransfer.items.add(file);
      const drop = new DragEvent('drop', { dataTransfer, bubbles: true, cancelable: true });
      document.getElementById('drop')?.dispatchEvent(drop);
    }, b64);
    expect(await finished(page, since)).toBe('done');
    expect(await page.getAttribute('#scans li', 'data-name')).toBe('dropped.nii.gz');
    expect(await page.textContent('#sentences')).toBe(expected.text);
  });

  it('says one sentence and a probability per class for a softmax (multi-class) run', async () => {
    const runDir = join(root, 'runs', 'three');
    const model = buildSeedModel({
      width: SIDE,
      height: SIDE,
      depth: SIDE,
      filters: [4, 8],
      outputUnits: 3,
      seed: 2,
    });
    await saveModel(model, join(runDir, 'best'));
    const exported = await exportWebApp({ runDir, outDir: join(root, 'site-three') });
    expect(exported.manifest).toMatchObject({
      head: 'softmax',
      classNames: ['class 0', 'class 1', 'class 2'],
    });
    const want = await predictScanFile(await loadRun(runDir), goodScan);
    const three = await serveFolder(exported.outDir);
    origins.push(three.url);
    const other = await page.context().newPage();
    try {
      await other.goto(three.url);
      await other.waitForFunction(() => document.body.dataset.state === 'ready');
      expect(await diagnose(goodScan, other)).toBe('done');
      expect(await other.textContent('#sentences')).toBe(want.text);
      expect(want.probabilities).toHaveLength(3);
      await expectProbabilities(other, want.probabilities);
    } finally {
      await other.close();
      await three.close();
    }
  });

  it("runs on WebGPU with ct3d's kernels when asked (Chromium's software adapter here), scan after scan", async () => {
    const gpuBrowser = await chromium.launch({ executablePath: CHROMIUM, args: ['--enable-unsafe-webgpu'] });
    try {
      const gpuPage = await openPage(gpuBrowser);
      await gpuPage.goto(`${site.url}?backend=webgpu`);
      await gpuPage.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
      expect(await gpuPage.textContent('#error')).toBe('');
      expect(await gpuPage.getAttribute('#backend', 'data-backend')).toBe('webgpu');
      // Twice: a synchronous GPU read in Grad-CAM once broke every later upload on a page's WebGPU device.
      for (let i = 0; i < 2; i++) {
        expect(await diagnose(goodScan, gpuPage)).toBe('done');
        await expectProbabilities(gpuPage, expected.probabilities);
      }
      expect(await gpuPage.getAttribute('#memory', 'data-tensors')).toBe(
        await page.getAttribute('#memory', 'data-tensors'),
      );
    } finally {
      await gpuBrowser.close();
    }
  });

  it("keeps tfjs memory, the worker's wasm heap and the page heap flat over ten predictions", async () => {
    const tensors: number[] = [];
    const bytes: number[] = [];
    const heap: number[] = [];
    const wasmHeap: number[] = [];
    const [worker] = page.workers();
    for (let i = 0; i < 10; i++) {
      expect(await diagnose(goodScan)).toBe('done');
      tensors.push(Number(await page.getAttribute('#memory', 'data-tensors')));
      bytes.push(Number(await page.getAttribute('#memory', 'data-bytes')));
      heap.push(
        await page.evaluate(() => {
          (globalThis as unknown as { gc(): void }).gc();
          return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
        }),
      );
      // tfjs keeps its engine on the global scope: the wasm backend's heap (it grows, never shrinks).
      wasmHeap.push(
        await worker.evaluate(
          () =>
            (globalThis as unknown as { _tfengine: { backendInstance: { wasm: { HEAPU8: Uint8Array } } } })
              ._tfengine.backendInstance.wasm.HEAPU8.byteLength,
        ),
      );
    }
    expect(wasmHeap[0]).toBeGreaterThan(0);
    expect(new Set(wasmHeap.slice(1)).size).toBe(1);
    expect(new Set(tensors).size).toBe(1);
    expect(new Set(bytes).size).toBe(1);
    expect(heap[9] - heap[1]).toBeLessThan(2 * 2 ** 20);
  });

  it('sends nothing: every request is a GET of the page folder without a body, and CSP blocks other hosts', async () => {
    const blocked = await page.evaluate(
      (url) =>
        fetch(url).then(
          () => 'sent',
          () => 'blocked',
        ),
      `${other.url}good.nii.gz`,
    );
    expect(blocked).toBe('blocked');
    expect(requests.length).toBeGreaterThan(5);
    for (const r of requests) {
      expect(
        origins.some((o) => r.url.startsWith(o)),
        r.url,
      ).toBe(true);
      expect(r.method).toBe('GET');
      expect(r.body).toBeNull();
      expect(r.url).not.toMatch(/good|dropped|notes|cut|xray|huge/);
    }
  });
});
