// A multi-class (softmax) run in the browser: charts of the metrics it has, a k x k confusion matrix, and
// no script errors for the binary-only numbers it lacks (sensitivity, specificity, per-scan probabilities).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSeedModel } from '@ct3d/model';
import { CHROMIUM, chromiumAvailable, openPage } from '@ct3d/test-support';
import { type BatchLike, fit, RunRecorder } from '@ct3d/train';
import { type Browser, chromium } from 'playwright-core';
import { lastValueFrom, share } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from './index.js';

const haveChromium = chromiumAvailable('the multi-class dashboard browser test');

/** Three classes of 8^3 volumes, one of each per batch, brightness by class. */
function* threeClasses(): Generator<BatchLike> {
  const n = 8 ** 3;
  for (let b = 0; b < 2; b++) {
    const x = new Float32Array(3 * n);
    for (let c = 0; c < 3; c++) x.fill(0.2 + 0.3 * c, c * n, (c + 1) * n);
    yield { x, y: Float32Array.of(0, 1, 2), shape: [3, 8, 8, 8, 1], ids: [`a${b}`, `b${b}`, `c${b}`] };
  }
}

let root = '';
let dash: Dashboard | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await dash?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(!haveChromium)('dashboard with a multi-class run', { timeout: 120_000 }, () => {
  it('charts it and shows the k x k confusion matrix without errors', async () => {
    root = await mkdtemp(join(tmpdir(), 'ct3d-dash-multiclass-'));
    const runDir = join(root, 'runs', 'three');
    const model = buildSeedModel({
      width: 8,
      height: 8,
      depth: 8,
      filters: [2],
      denseUnits: 4,
      seed: 5,
      outputUnits: 3,
    });
    const run$ = fit({
      model,
      train: threeClasses,
      validation: threeClasses,
      epochs: 2,
      runDir,
      classNames: ['CT-0', 'CT-1', 'CT-2..4'],
    }).pipe(share());
    const recorder = new RunRecorder(runDir);
    recorder.attach(run$);
    await lastValueFrom(run$);
    await recorder.done();
    model.dispose();

    dash = await startDashboard({ runsDir: join(root, 'runs') });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const page = await openPage(browser);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${dash.url}#three`);
    await page.waitForFunction(
      () => Number(document.querySelector('#chart-epoch-loss')?.getAttribute('data-points') ?? 0) >= 2,
    );
    await page.waitForFunction(() => document.querySelector('#confusion table') !== null);
    const table = await page.locator('#confusion').textContent();
    expect(table).toContain('pred CT-2..4');
    expect(table).toMatch(/recall CT-0 [\d.–]+, CT-1 [\d.–]+, CT-2\.\.4 [\d.–]+/);
    expect(await page.locator('#confusion tr').count()).toBe(4); // header + 3 classes
    expect(await page.locator('#stats').textContent()).toMatch(/AUC/);
    expect(errors).toEqual([]);
  });
});
