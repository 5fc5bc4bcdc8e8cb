// The training page on two threads: served cross-origin isolated by serveSite (`ct3d serve-web`), its worker
// runs the wasm conv kernels with a nested helper worker, and the weights it trains equal `ct3d train
// --backend wasm`'s on two threads (setConvThreads(2): each conv's batch split the same way), bit for bit.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractZip } from '@ct3d/io/download';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { CHROMIUM, chromiumAvailable, openPage } from '@ct3d/test-support';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTrainPage } from './export.js';
import { type SiteServer, serveSite } from './serve-site.js';
import { cliTrain, expectSameWeights, fillTrainSettings, ingestFolder, runWeights } from './test-cli-run.js';
import { trainFolder } from './test-page.js';

const haveChromium = chromiumAvailable('the two-thread training page test');

let root: string;
let data: string;
let cliRun: string;
let cliRun1: string;
let siteDir: string;
let site: SiteServer;
let browser: Browser;
let page: Page;
const isolation: { url: string; coop?: string; coep?: string }[] = [];

describe.skipIf(!haveChromium)('the training page, cross-origin isolated', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ct3d-train-threads-'));
    data = join(root, 'data');
    await writeSyntheticDataset(data, { perClass: 3, size: 24, slices: [10, 12], seed: 1 });
    const cacheDir = join(root, 'cache');
    await ingestFolder(data, cacheDir);
    // `ct3d train --backend wasm` on two conv threads (the default on >= 2 cores, set here for any machine).
    cliRun = await cliTrain(cacheDir, join(root, 'cli-run'), 2);
    // And on one thread: its weights differ in the last bits, so the equality below says the tab split as Node.
    cliRun1 = await cliTrain(cacheDir, join(root, 'cli-run-1'), 1);
    siteDir = (await exportTrainPage({ outDir: join(root, 'site') })).outDir;
    site = await serveSite({ root: siteDir });
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await openPage(browser, { acceptDownloads: true });
    page.context().on('response', (r) =>
      isolation.push({
        url: r.url(),
        coop: r.headers()['cross-origin-opener-policy'],
        coep: r.headers()['cross-origin-embedder-policy'],
      }),
    );
    await page.goto(site.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('is cross-origin isolated, trains on 2 threads, and its weights equal the CLI run on 2 threads, bit for bit', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await fillTrainSettings(page);
    const state = await trainFolder(page, data);
    expect(await page.textContent('#error')).toBe('');
    expect(state).toBe('done');
    expect(await page.getAttribute('#backend-info', 'data-threads')).toBe('2');
    const shots = process.env.CT3D_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: join(shots, 'web-train-threads.png'), fullPage: true });
    expect(await page.textContent('#backend-info')).toMatch(
      /^Training on wasm, 2 threads \(cross-origin isolated\): /,
    );
    // The helper's script was fetched (the nested worker ran), with the headers as every other file.
    const paths = isolation.map((r) => new URL(r.url).pathname);
    expect(paths).toContain('/conv-worker-browser.js');
    for (const r of isolation) expect([r.coop, r.coep], r.url).toEqual(['same-origin', 'require-corp']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const zip = join(root, 'run.zip');
    await download.saveAs(zip);
    const unpacked = join(root, 'unpacked');
    expect((await extractZip({ zipPath: zip, outDir: unpacked })).failed).toEqual([]);
    const tabRun = join(unpacked, 'ct3d-run-seed4');
    await expectSameWeights(tabRun, cliRun);
    const [cli, oneThread] = [await runWeights(cliRun), await runWeights(cliRun1)];
    for (const [i, weights] of oneThread.entries()) expect(weights).not.toEqual(cli[i]);
    // Both runs record the thread count their weights depend on.
    const tabInfo = JSON.parse(await readFile(join(tabRun, 'run.json'), 'utf8'));
    const cliInfo = JSON.parse(await readFile(join(cliRun, 'run.json'), 'utf8'));
    expect(cliInfo.reproduce.tfjs).toMatchObject({ backend: 'wasm', convThreads: 2 });
    expect(tabInfo.reproduce.tfjs).toMatchObject({ backend: 'wasm', convThreads: 2 });
  });

  it("trains on one thread, saying why in one line, when the helper's script is missing (no hang)", async () => {
    const broken = join(root, 'site-no-helper');
    await cp(siteDir, broken, { recursive: true });
    await rm(join(broken, 'conv-worker-browser.js'));
    const server = await serveSite({ root: broken });
    const tab = await openPage(browser);
    try {
      await tab.goto(server.url);
      expect(await tab.evaluate(() => crossOriginIsolated)).toBe(true);
      await fillTrainSettings(tab, 1);
      const state = await trainFolder(tab, data);
      expect(await tab.textContent('#error')).toBe('');
      expect(state).toBe('done');
      expect(await tab.getAttribute('#backend-info', 'data-threads')).toBe('1');
      const line = (await tab.textContent('#backend-info')) ?? '';
      expect(line).toMatch(/^Training on wasm, 1 thread \(cross-origin isolated\): /);
      expect(line).toContain(
        `conv helper thread failed to start: ${server.url}conv-worker-browser.js: cannot be loaded (missing, or not JavaScript); the wasm conv kernels run on one thread`,
      );
      expect(line).not.toContain('\n');
    } finally {
      await tab.close();
      await server.close();
    }
  });
});
