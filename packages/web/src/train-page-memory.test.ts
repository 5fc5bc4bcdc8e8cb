// The training page where the browser refuses its private files (OPFS): a page served over plain http from a
// host that is not this machine is no secure context, so it has no navigator.storage. The preprocessed scans
// are then kept in memory, the page says so in one line, and the run trains and downloads as usual.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { CHROMIUM, chromiumAvailable, openPage, type StaticServer, serveFolder } from '@ct3d/test-support';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTrainPage } from './export.js';
import { trainFolder } from './test-page.js';

const haveChromium = chromiumAvailable('the training page tests');
let root: string;
let site: StaticServer;
let browser: Browser;

describe.skipIf(!haveChromium)('the training page without private files', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ct3d-train-page-memory-'));
    await writeSyntheticDataset(join(root, 'data'), { perClass: 3, size: 24, slices: [10, 12], seed: 1 });
    site = await serveFolder((await exportTrainPage({ outDir: join(root, 'site') })).outDir);
    // insecure.test is this machine's server under a name that is not localhost: no secure context.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--host-resolver-rules=MAP insecure.test 127.0.0.1'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('keeps the scans in memory, says so in one line, and trains', async () => {
    const page = await openPage(browser, { acceptDownloads: true });
    await page.goto(site.url.replace('127.0.0.1', 'insecure.test'));
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    await page.fill('#size', '16x16x8');
    await page.fill('#epochs', '1');
    await page.fill('#filters', '2');
    await page.selectOption('#backend', 'wasm');
    const state = await trainFolder(page, join(root, 'data'));
    expect(await page.textContent('#error')).toBe('');
    expect(state).toBe('done');
    expect(await page.textContent('#store-info')).toBe(
      'The preprocessed scans are kept in memory and a reload cannot resume the run: this browser refused its private files (no private file system offered to this page).',
    );
    expect(await page.$$eval('#scans li[data-state="done"]', (li) => li.length)).toBe(6);
    // The validation predictions and the heat map read the volumes from the memory store.
    expect(await page.$$eval('#validation tbody tr', (trs) => trs.length)).toBe(2);
    const id = await page.$eval('#validation tbody tr', (tr) => (tr as HTMLElement).dataset.id ?? '');
    await page.click(`#validation tr[data-id="${id}"] button`);
    await page.waitForFunction((want) => document.body.dataset.viewer === want, id, { timeout: 60_000 });
    expect(await page.isVisible('#viewer-canvas')).toBe(true);
    expect(await page.isHidden('#download')).toBe(false);
    // Nothing is kept across a reload: the page says so again and offers no Resume.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#store-info')?.textContent !== '');
    expect(await page.textContent('#store-info')).toContain('a reload cannot resume the run');
    expect(await page.isHidden('#resume')).toBe(true);
  });
});
