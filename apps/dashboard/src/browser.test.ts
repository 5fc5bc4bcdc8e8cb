// Browser tests: Debian's chromium driven by playwright-core against a dashboard fed with synthetic events.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNifti } from '@ct3d/io';
import { buildSeedModel, initBackend, saveModel } from '@ct3d/model';
import { CHROMIUM, chromiumAvailable, markerQuadrant, openPage, phantomBatches } from '@ct3d/test-support';
import { fit, RunRecorder, summarizeFolds, type TrainEvent } from '@ct3d/train';
import { type Browser, chromium, type Page } from 'playwright-core';
import { lastValueFrom, Subject, share } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { markerQuadrants } from '../../../packages/web/src/test-page.js';
import { type Dashboard, type DashboardEvent, startDashboard } from './index.js';
import {
  addMarkerScan,
  fakeEvaluation,
  fakeRunStart,
  fakeStepEvents,
  tinySeedModel,
  writeTinyCache,
} from './test-helpers.js';

/** What the tests read of a NiiVue viewer of the Scans tab. */
interface ShownViewer {
  nv: { volumes: { dims: number[]; cal_min: number; cal_max: number }[] };
}

const haveChromium = chromiumAvailable('the dashboard browser tests');

const STEPS_PER_EPOCH = 4;
let root: string;
let shots: string;
let dash: Dashboard;
let browser: Browser;
let page: Page;
const events$ = new Subject<TrainEvent | DashboardEvent>();
let step = 0;
const foreign: string[] = [];

function pushSteps(n: number): void {
  for (let i = 0; i < n; i++) {
    step++;
    for (const e of fakeStepEvents(step, STEPS_PER_EPOCH)) events$.next(e);
  }
}

/** Pushes a step every 50 ms while `until` runs, like a trainer producing batches. */
async function whileTraining<T>(until: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => pushSteps(1), 50);
  try {
    return await until();
  } finally {
    clearInterval(timer);
  }
}

const points = (sel: string) =>
  page
    .locator(sel)
    .getAttribute('data-points')
    .then((v) => Number(v ?? 0));

async function waitForPoints(sel: string, atLeast: number): Promise<number> {
  await page.waitForFunction(
    ([s, n]) => Number(document.querySelector(s)?.getAttribute('data-points') ?? 0) >= n,
    [sel, atLeast] as const,
  );
  return points(sel);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

// 120 s a test: alone each takes under 10 s, but CI runs every package's browser tests at once on 2 cores.
describe.skipIf(!haveChromium)('dashboard in chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ct3d-dash-browser-'));
    shots = process.env.CT3D_SCREENSHOT_DIR ?? join(root, 'screenshots');
    await mkdir(shots, { recursive: true });
    console.log(`dashboard screenshots: ${shots}`);
    await writeTinyCache(join(root, 'cache'), [48, 48, 40]);
    await addMarkerScan(join(root, 'cache'), [48, 48, 40]);
    for (const [name, shift] of [
      ['earlier-a', 0],
      ['earlier-b', 0.08],
    ] as const) {
      await mkdir(join(root, 'runs', name), { recursive: true });
      const acc = [0.5, 0.55, 0.62, 0.66, 0.7].map((v) => v + shift);
      await writeFile(join(root, 'runs', name, 'history.json'), JSON.stringify({ val_acc: acc, acc }));
    }
    await writeFile(join(root, 'secret.json'), '{"secret":true}');
    const model = buildSeedModel({
      width: 48,
      height: 48,
      depth: 40,
      filters: [4, 8],
      denseUnits: 8,
      seed: 7,
    });
    await saveModel(model, join(root, 'runs', 'earlier-a', 'best'));
    // A real (tiny) fit() recorded by @ct3d/train's RunRecorder: its own events.jsonl, history, PNGs.
    const realDir = join(root, 'runs', 'real-fit');
    const tiny = tinySeedModel(8);
    const batches = () => phantomBatches(8);
    const real$ = fit({ model: tiny, train: batches, validation: batches, epochs: 3, runDir: realDir }).pipe(
      share(),
    );
    const recorder = new RunRecorder(realDir);
    recorder.attach(real$);
    await lastValueFrom(real$);
    await recorder.done();
    // A 2-fold cross-validation (`ct3d train --folds 2`): each fold's metrics.json, then folds.json.
    for (const [fold, auc, acc] of [
      [1, 0.75, 0.6],
      [2, 0.875, 0.8],
    ]) {
      await mkdir(join(root, 'runs', 'cv', `fold-${fold}`), { recursive: true });
      const best = { val_auc: auc, val_acc: acc };
      await writeFile(
        join(root, 'runs', 'cv', `fold-${fold}`, 'metrics.json'),
        JSON.stringify({ bestEpoch: 2, best }),
      );
    }
    await summarizeFolds(join(root, 'runs', 'cv'), 3);
    await mkdir(join(root, 'runs', 'cv-broken'), { recursive: true });
    await writeFile(join(root, 'runs', 'cv-broken', 'folds.json'), '{"folds": 2, "res');
    // Heat maps run on the process's backend, as `ct3d dashboard --cache` sets it up (auto: wasm here).
    await initBackend('wasm');
    dash = await startDashboard({
      runsDir: join(root, 'runs'),
      cacheDir: join(root, 'cache'),
      events$,
      liveRun: 'live',
    });
    events$.next(fakeRunStart(10, STEPS_PER_EPOCH, join(root, 'runs', 'live')));
    pushSteps(6);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await openPage(browser, { viewport: { width: 1400, height: 900 } });
    const origin = new URL(dash.url).origin;
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    page.on('pageerror', (e) => foreign.push(`page error: ${e.message}`));
  }, 30_000);

  // A script error or a request to another origin fails the test that caused it.
  afterEach(() => {
    expect(foreign).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
    if (!process.env.CT3D_SCREENSHOT_DIR) await rm(root, { recursive: true, force: true });
  });

  it('a live run’s chart gains points while training runs', async () => {
    await page.goto(dash.url);
    // COOP/COEP on every answer (the training page's two threads): the dashboard loads nothing cross-origin.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const first = await waitForPoints('#chart-step-loss', 6);
    const later = await whileTraining(() => waitForPoints('#chart-step-loss', first + 5));
    expect(later).toBeGreaterThan(first);
    await page.waitForFunction(
      () => document.querySelector('#chart-epoch-acc')?.getAttribute('data-points') !== null,
    );
    expect(await page.locator('#stats').textContent()).toMatch(/best checkpoint\s*epoch \d+/);
    await shot('1-live');
  });

  it('a reload resumes the stream: catches up exactly, then keeps growing', async () => {
    const before = await points('#chart-step-loss');
    await page.reload();
    await waitForPoints('#chart-step-loss', before);
    expect(await points('#chart-step-loss')).toBe(step);
    const after = await whileTraining(() => waitForPoints('#chart-step-loss', step + 3));
    expect(after).toBeGreaterThan(before);
    // Every pushed step arrives (a loaded machine may take a while), and none twice.
    await waitForPoints('#chart-step-loss', step);
    await page.waitForTimeout(100);
    expect(await points('#chart-step-loss')).toBe(step);
  });

  it('shows predictions, confusion matrix and ROC when the run ends', async () => {
    const epoch = Math.ceil(step / STEPS_PER_EPOCH);
    events$.next({ type: 'earlyStop', epoch, bestEpoch: 2, monitor: 'val_acc', best: 0.53 });
    events$.next(fakeEvaluation);
    events$.next({
      type: 'runEnd',
      bestEpoch: 2,
      history: {},
      stoppedEarly: true,
      epochsRun: epoch,
      best: null,
      modelPath: null,
      bestPath: null,
      ms: 1000,
    });
    events$.complete();
    await page.waitForFunction(() => document.querySelector('#conn')?.textContent === 'finished');
    // The evaluation's own numbers (@ct3d/train's binaryMetrics): counts, sensitivity 2/3, specificity 1/2.
    expect(await page.locator('#confusion').textContent()).toMatch(
      /true 1\s*1\s*2.*evaluation of 5 scans · sensitivity 0\.667 · specificity 0\.5/s,
    );
    await waitForPoints('#chart-roc', 2);
    const roc = await page.locator('#chart-roc').textContent();
    expect(roc).toContain('ROC (AUC 0.833)');
    // The run's threshold (0.5: p > 0.5 catches 2 of 3 abnormal and 1 of 2 normal scans) and Youden's J point.
    expect(roc).toContain('threshold 0.50 (sens 0.67, spec 0.50)');
    expect(roc).toContain("Youden's J: threshold 0.650");
    await page.locator('#predictions').scrollIntoViewIfNeeded();
    await shot('2-finished');
  });

  it('the Scans tab shows the scan and an augmented sample in NiiVue, in HU, with the heat map over it', async () => {
    await page.goto(`${dash.url}?tab=scans`);
    await page.waitForFunction(
      () => document.querySelector('#raw-canvas')?.getAttribute('data-shown') === 'normal-1',
    );
    await page.locator('#augmented-canvas[data-shown]').waitFor();
    const grids = await page.evaluate(() =>
      (globalThis as unknown as { ct3dScanViewers(): ShownViewer[] })
        .ct3dScanViewers()
        .map((v) => v.nv.volumes.map((vol) => [...vol.dims.slice(1, 4), vol.cal_min, vol.cal_max])),
    );
    // Both at the cache's grid, in the lung window (level -600, width 1500) of the page's viewer.
    expect(grids).toEqual([[[48, 48, 40, -1350, 150]], [[48, 48, 40, -1350, 150]]]);
    // The crosshair's HU is the cached voxel's, read back through the cache's window (-1000..400 HU).
    const box = await page.locator('#raw-canvas').boundingBox();
    if (!box) throw new Error('the scan viewer is not shown');
    await page.selectOption('#layout-select', 'axial');
    await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.45);
    await page.waitForFunction(() => document.querySelector('#raw-cursor')?.hasAttribute('data-hu'));
    const text = (await page.locator('#raw-cursor').textContent()) ?? '';
    const [, i, j, k] = (/^voxel (\d+), (\d+), (\d+): /.exec(text) ?? []).map(Number);
    const cached = decodeNifti(await readFile(join(root, 'cache', 'scans', 'normal-1.nii')));
    const hu = -1000 + 1400 * cached.data[i + 48 * (j + 48 * k)];
    expect(Math.abs(Number(await page.getAttribute('#raw-cursor', 'data-hu')) - hu)).toBeLessThan(0.01);
    expect(text).toBe(`voxel ${i}, ${j}, ${k}: ${hu.toFixed(0)} HU`);
    await page.selectOption('#window-select', 'mediastinum');
    await page.selectOption('#layout-select', 'multiplanar');
    await page.selectOption('#cam-run', 'earlier-a');
    await page.click('#cam-go');
    await page.locator('#raw-canvas[data-heat="earlier-a"]').waitFor();
    const shown = await page.evaluate(() =>
      (globalThis as unknown as { ct3dScanViewers(): ShownViewer[] })
        .ct3dScanViewers()[0]
        .nv.volumes.map((vol) => [vol.cal_min, vol.cal_max]),
    );
    expect(shown).toEqual([
      [50 - 175, 50 + 175],
      [0.2, 1],
    ]);
    expect(await page.locator('#cam-msg').textContent()).toMatch(
      /^occlusion \(patch 12\) · p\(class 1\) = 0\.\d+$/,
    );
    await page.waitForTimeout(300);
    await shot('3-scans');
    // The seed's montage as NiiVue's mosaic: the first 40 slices (here all of them), 4 rows of 10 axial tiles.
    await page.selectOption('#layout-select', 'montage');
    const mosaic = await page.evaluate(() =>
      (globalThis as unknown as { ct3dScanViewers(): { nv: { opts: { sliceMosaicString: string } } }[] })
        .ct3dScanViewers()
        .map((v) => v.nv.opts.sliceMosaicString),
    );
    const rows = mosaic.map((m) => m.replace(/^A /, '').split(' ; '));
    expect(rows.map((r) => r.map((line) => line.split(' ').length))).toEqual([
      [10, 10, 10, 10],
      [10, 10, 10, 10],
    ]);
    // Tiles at the slices' world heights: the identity affine puts slice k at k mm (0 .. 39).
    expect(rows[0].flatMap((line) => line.split(' ').map(Number))).toEqual(
      Array.from({ length: 40 }, (_, k) => k),
    );
    await shot('3-scans-montage');
    await page.selectOption('#layout-select', 'multiplanar');
  });

  it("shows an asymmetric phantom's marker where NiiVue's conventions say, in every plane", async () => {
    // A fresh page: nothing left of the previous test's layout or heat map.
    await page.goto(`${dash.url}?tab=scans`);
    await page.waitForFunction(() => document.querySelector('#raw-canvas')?.hasAttribute('data-shown'));
    await page.selectOption('#scan-select', 'marker');
    await page.waitForFunction(
      () => document.querySelector('#raw-canvas')?.getAttribute('data-shown') === 'marker',
    );
    for (const plane of ['axial', 'coronal', 'sagittal'] as const) {
      for (const radiological of [false, true]) {
        const counts = await markerQuadrants(page, radiological, {
          plane,
          viewer: 'dashboard',
          canvas: '#raw-canvas',
        });
        const where = markerQuadrant(plane, radiological);
        const elsewhere = Object.entries(counts).filter(([q]) => q !== where);
        expect([plane, radiological, counts[where] > 50]).toEqual([plane, radiological, true]);
        expect([plane, radiological, elsewhere]).toEqual([
          plane,
          radiological,
          elsewhere.map(([q]) => [q, 0]),
        ]);
      }
    }
  });

  it('replays a real fit() run recorded by RunRecorder, with its curves.png and montage.png', async () => {
    await page.goto(`${dash.url}#real-fit`);
    await page.waitForFunction(() => document.querySelector('#conn')?.textContent === 'finished');
    expect(await waitForPoints('#chart-epoch-loss', 3)).toBe(3);
    expect(await points('#chart-step-loss')).toBe(6);
    await page.locator('#run-images img[alt="curves.png"]').waitFor();
    // The images are drawn again when the replay ends (new elements): wait until two of them have decoded.
    await page.waitForFunction(() => {
      const imgs = Array.from(document.querySelectorAll('#run-images img')) as HTMLImageElement[];
      return imgs.length === 2 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });
    const sizes = await page.$$eval('#run-images img', (imgs) =>
      (imgs as HTMLImageElement[]).map((i) => [i.alt, i.naturalWidth > 0]),
    );
    expect(sizes).toEqual([
      ['curves.png', true],
      ['montage.png', true],
    ]);
    // One ROC chart, the best epoch's (metrics.json's), and no early-stop countdown for a finished run.
    const metrics = JSON.parse(await readFile(join(root, 'runs', 'real-fit', 'metrics.json'), 'utf8'));
    await waitForPoints('#chart-roc', 2);
    expect(await page.locator('#chart-roc .uplot').count()).toBe(1);
    expect(await page.getAttribute('#chart-roc', 'data-shows')).toBe(`best epoch ${metrics.bestEpoch}`);
    expect(await page.locator('#roc-caption').textContent()).toBe(`best epoch ${metrics.bestEpoch}`);
    expect(await page.locator('#chart-roc').textContent()).toContain(
      `ROC (AUC ${Number(metrics.best.val_auc.toPrecision(3))})`,
    );
    const card = page.locator('#stats .card', { hasText: 'early stop' });
    await page.waitForFunction(() => document.querySelector('#stats')?.textContent?.includes('ETAdone'));
    expect(await card.locator('b').textContent()).toBe('–');
    await shot('5-real-fit-replay');
  });

  it('compares several runs on one chart', async () => {
    await page.goto(`${dash.url}?tab=runs`);
    await page.waitForFunction(
      () => Number(document.querySelector('#chart-compare')?.getAttribute('data-series')) >= 4,
    );
    // folds.json of a --folds run: mean ± sample std per metric (summarizeFolds' numbers); a broken one says why.
    await page.locator('#folds-table tr[data-run="cv"]').waitFor();
    const cv = page.locator('#folds-table tr[data-run="cv"]');
    expect(await cv.locator('td').nth(1).textContent()).toBe('2 of 3 (missing 3)');
    const sd = (a: number, b: number) => Math.abs(a - b) / Math.SQRT2;
    expect(await cv.locator('td[data-metric="val_auc"]').textContent()).toBe(
      `0.8125 ± ${sd(0.75, 0.875).toFixed(4)}`,
    );
    expect(await cv.locator('td[data-metric="val_acc"]').textContent()).toBe(
      `0.7000 ± ${sd(0.6, 0.8).toFixed(4)}`,
    );
    expect(await page.locator('#folds-table tr[data-run="cv-broken"]').textContent()).toBe(
      'cv-brokenrun cv-broken: folds.json: not valid JSON',
    );
    await shot('4-runs');
  });

  it('path-traversal requests get 403/404, and the page made no request off this server', async () => {
    const origin = new URL(dash.url).origin;
    for (const path of [
      '/api/runs/live/files/%2e%2e/%2e%2e/secret.json',
      '/api/runs/live/files/..%2f..%2fsecret.json',
      '/api/runs/%2e%2e/files/secret.json',
      '/static/%2e%2e%2f%2e%2e%2fpackage.json',
    ]) {
      const res = await page.request.get(origin + path);
      expect([403, 404], path).toContain(res.status());
      expect(await res.text()).not.toContain('"secret":true');
    }
    const nav = await page.goto(`${origin}/api/runs/live/files/..%2F..%2Fsecret.json`);
    expect([403, 404]).toContain(nav?.status());
  });
});
