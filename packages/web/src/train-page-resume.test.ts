// The training page's Stop/Resume and reload in Chromium: a run stopped after epoch 1 of 2 and resumed from
// its kept checkpoint (at once, after a reload, or by another tab) trains the weights an uninterrupted `ct3d train --backend wasm` run
// trains, bit for bit, and downloads a run folder with both epochs; each tab's run has its own folder in the
// private files, so two tabs train at once; a closed tab's unfinished run is listed with its size, deleted on
// request, or resumed by another tab to the same weights.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractZip } from '@ct3d/io/download';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { CHROMIUM, chromiumAvailable, openPage, type StaticServer, serveFolder } from '@ct3d/test-support';
import { loadRun } from '@ct3d/train';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTrainPage } from './export.js';
import { RUN_ID_KEY, RUNS_FOLDER } from './page/train/run-plan.js';
import {
  cliTrain,
  expectSamePng,
  expectSameWeights,
  fillTrainSettings,
  ingestFolder,
  TAB_RUN,
  TAB_SIZE,
} from './test-cli-run.js';

const haveChromium = chromiumAvailable('the training page resume tests');

let root: string;
let data: string;
let cliRun: string;
let site: StaticServer;
let browser: Browser;
let downloads = 0;
/** A tab in the background draws no frames: waits poll on a timer, not on animation frames. */
const POLL = { polling: 250 };

async function openTrainPage(): Promise<Page> {
  const page = await openPage(browser, { acceptDownloads: true });
  await page.goto(site.url);
  return page;
}

/** The form set as the CLI run's options; the data folder picked. */
async function fillSettings(page: Page, epochs = TAB_RUN.epochs): Promise<void> {
  await page.bringToFront(); // Playwright's actions wait for a frame, which only the tab in front draws
  await fillTrainSettings(page, epochs);
  await page.setInputFiles('#folder', data);
}

/**
 * Trains the data folder with the CLI run's options and stops after epoch 1: Stop is clicked in the page
 * itself the moment epoch 1 ends (no round trip to the test, so epoch 2 cannot end first).
 */
async function trainAndStopAfterEpoch1(page: Page): Promise<void> {
  await fillSettings(page);
  await page.evaluate(() => {
    const log = document.querySelector('#log') as HTMLElement;
    const observer = new MutationObserver(() => {
      if (log.dataset.epochs !== '1') return;
      observer.disconnect();
      (document.querySelector('#stop') as HTMLButtonElement).click();
    });
    observer.observe(log, { attributes: true });
  });
  await page.click('#train');
  expect(await waitState(page, ['stopped', 'done', 'error'])).toBe('stopped');
}

async function waitState(page: Page, states: string[]): Promise<string> {
  await page.waitForFunction((want) => want.includes(document.body.dataset.state ?? ''), states, POLL);
  return (await page.getAttribute('body', 'data-state')) ?? '';
}

async function waitResumable(page: Page): Promise<string> {
  await page.waitForFunction(
    () => (document.querySelector('#resume') as HTMLButtonElement).hidden === false,
    null,
    POLL,
  );
  return (await page.textContent('#resume-info')) ?? '';
}

const epochLines = async (page: Page) => ((await page.textContent('#log')) ?? '').match(/^Epoch \d+\/\d+$/gm);

/** The downloaded run unzipped: its folder. */
async function downloadRun(page: Page): Promise<string> {
  await page.bringToFront();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const n = ++downloads;
  const zip = join(root, `run-${n}.zip`);
  await download.saveAs(zip);
  const out = join(root, `run-${n}`);
  expect((await extractZip({ zipPath: zip, outDir: out })).failed).toEqual([]);
  return join(out, `ct3d-run-seed${TAB_RUN.seed}`);
}

/** The downloaded run's final and best weights equal the CLI's uninterrupted run's, and it has both epochs. */
async function expectCliWeights(run: string): Promise<void> {
  await expectSameWeights(run, cliRun);
  const history = JSON.parse(await readFile(join(run, 'history.json'), 'utf8'));
  const cliHistory = JSON.parse(await readFile(join(cliRun, 'history.json'), 'utf8'));
  expect(history.loss).toEqual(cliHistory.loss);
  expect(history.val_loss).toEqual(cliHistory.val_loss);
  const events = (await readFile(join(run, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(events.filter((e) => e.type === 'epochEnd').map((e) => e.epoch)).toEqual([1, 2]);
  // Drawn in epoch 1, kept with the checkpoint: there after a Stop or reload too.
  await expectSamePng('montage.png', run, cliRun);
  await expectSamePng('curves.png', run, cliRun);
  // `ct3d predict --run` loads it.
  const loaded = await loadRun(run);
  expect(loaded.model.inputs[0].shape.slice(1, 4)).toEqual(TAB_SIZE);
  loaded.model.dispose();
}

/** The run folders in the page's private files, by run id: their file count. */
async function runFolders(page: Page): Promise<string[]> {
  return page.evaluate(async (runs) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(runs, { create: true });
    const names: string[] = [];
    for await (const [name] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) names.push(name);
    return names.sort();
  }, RUNS_FOLDER);
}

/** A second tab of `owner`'s context trains, stops after epoch 1 and is closed; its run id. */
async function stoppedInClosedTab(owner: Page): Promise<string | null> {
  const closing = await owner.context().newPage();
  await closing.goto(site.url);
  await trainAndStopAfterEpoch1(closing);
  await waitResumable(closing);
  const runId = await tabRunId(closing);
  expect(runId).not.toBeNull();
  await closing.close();
  return runId;
}

const tabRunId = (page: Page) => page.evaluate((key) => sessionStorage.getItem(key), RUN_ID_KEY);

describe.skipIf(!haveChromium)('the training page: Stop, Resume, reload, tabs', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ct3d-train-page-resume-'));
    data = join(root, 'data');
    await writeSyntheticDataset(data, { perClass: 3, size: 24, slices: [10, 12], seed: 1 });
    // What `ct3d ingest data --size 16x16x8` then `ct3d train --backend wasm --epochs 2 --seed 4 --filters 2`
    // do, on one conv thread as the page (not cross-origin isolated) runs: see train-page.test.ts.
    const cacheDir = join(root, 'cache');
    await ingestFolder(data, cacheDir);
    cliRun = await cliTrain(cacheDir, join(root, 'cli-run'), 1);
    site = await serveFolder((await exportTrainPage({ outDir: join(root, 'site') })).outDir);
    browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("Stop after epoch 1 of 2, then Resume: the uninterrupted run's weights, bit for bit, and both epochs in the download", async () => {
    const page = await openTrainPage();
    expect(await page.textContent('#runs-info')).toContain('Stop keeps the run');
    await trainAndStopAfterEpoch1(page);
    expect(await waitResumable(page)).toBe('Unfinished run of data: 1 of 2 epochs finished and kept.');
    expect(await page.isHidden('#download')).toBe(true);
    expect(await epochLines(page)).toEqual(['Epoch 1/2']);
    await page.click('#resume');
    expect(await waitState(page, ['done', 'error'])).toBe('done');
    expect(await page.textContent('#error')).toBe('');
    // Epoch 1 replayed from the kept events, epoch 2 trained: each once.
    expect(await epochLines(page)).toEqual(['Epoch 1/2', 'Epoch 2/2']);
    expect(await page.textContent('#log')).toContain('Resumed after epoch 1');
    expect(await page.isHidden('#resume')).toBe(true);
    await expectCliWeights(await downloadRun(page));
    await page.close();
  });

  it('a copy of a tab whose run is stopped says the run is open in the other tab, and trains a new run', async () => {
    const page = await openTrainPage();
    await trainAndStopAfterEpoch1(page);
    const runId = await tabRunId(page);
    // A duplicated tab starts with a copy of the original's sessionStorage.
    const copy = await page.context().newPage();
    await copy.addInitScript(([key, id]) => sessionStorage.setItem(key, id), [
      RUN_ID_KEY,
      runId ?? '',
    ] as const);
    await copy.goto(site.url);
    await copy.waitForFunction(
      () => document.querySelector('#elsewhere-info')?.textContent !== '',
      null,
      POLL,
    );
    expect(await copy.textContent('#elsewhere-info')).toBe(
      "This tab's run is open in another tab (this one is a copy of it): resume it there; Train here starts a new run.",
    );
    expect(await copy.isHidden('#resume')).toBe(true);
    await fillSettings(copy, 1);
    await copy.click('#train');
    expect(await waitState(copy, ['done', 'error'])).toBe('done');
    const copyRun = await tabRunId(copy);
    expect(copyRun).not.toBe(runId);
    expect(await copy.textContent('#elsewhere-info')).toBe('');
    // The original's run is untouched: its tab still resumes it.
    expect(await runFolders(page)).toContain(runId);
    await page.bringToFront();
    expect(await waitResumable(page)).toBe('Unfinished run of data: 1 of 2 epochs finished and kept.');
    await copy.close();
    await page.close();
  });

  it("a reload of a tab whose run stopped after epoch 1 offers Resume: the uninterrupted run's weights, bit for bit", async () => {
    // Stopped first: a reload during training races the old page's worker, which runs on (and may finish the
    // run) until the browser tears it down.
    const page = await openTrainPage();
    await trainAndStopAfterEpoch1(page);
    const runId = await tabRunId(page);
    expect(runId).not.toBeNull();
    await page.reload();
    expect(await waitResumable(page)).toBe('Unfinished run of data: 1 of 2 epochs finished and kept.');
    const shots = process.env.CT3D_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: join(shots, 'web-train-resume.png'), fullPage: true });
    // The form shows the run's settings (its plan's), not the page's defaults.
    expect(await page.inputValue('#epochs')).toBe('2');
    expect(await page.inputValue('#size')).toBe('16x16x8');
    await page.click('#resume');
    expect(await waitState(page, ['done', 'error'])).toBe('done');
    expect(await page.textContent('#error')).toBe('');
    expect(await epochLines(page)).toEqual(['Epoch 1/2', 'Epoch 2/2']);
    await expectCliWeights(await downloadRun(page));
    expect(await tabRunId(page)).toBe(runId);
    await page.close();
  });

  it("two tabs train at once in their own folders; a new run deletes only its tab's previous one", async () => {
    const first = await openTrainPage();
    const second = await first.context().newPage();
    await second.goto(site.url);
    await fillSettings(second);
    await fillSettings(first);
    const train = (page: Page) =>
      page.evaluate(() => (document.querySelector('#train') as HTMLElement).click());
    await Promise.all([train(first), train(second)]);
    expect(await waitState(first, ['done', 'error'])).toBe('done');
    expect(await waitState(second, ['done', 'error'])).toBe('done');
    const [a, b] = [await tabRunId(first), await tabRunId(second)];
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(a).not.toBe(b);
    expect(await runFolders(first)).toEqual([a, b].sort());
    await expectCliWeights(await downloadRun(first));
    await expectCliWeights(await downloadRun(second));
    // A new run in the first tab replaces that tab's folder; the second tab's (held by it) stays.
    await fillSettings(first, 1);
    await first.click('#train');
    expect(await waitState(first, ['done', 'error'])).toBe('done');
    const c = await tabRunId(first);
    expect(c).not.toBe(a);
    expect(await runFolders(first)).toEqual([b, c].sort());
    // Closed, the second tab's finished run is deleted when the first tab starts its next run.
    await second.close();
    await first.click('#train');
    expect(await waitState(first, ['done', 'error'])).toBe('done');
    expect(await runFolders(first)).toEqual([await tabRunId(first)]);
    await first.close();
  });

  it("lists a closed tab's unfinished run with its size; Delete removes its files", async () => {
    // The context's first page stays open (closing it closes the context); the second is the closed tab.
    const other = await openTrainPage();
    const runId = await stoppedInClosedTab(other);
    await other.reload();
    const item = other.locator(`#leftover-runs li[data-run-id="${runId}"]`);
    await item.waitFor();
    expect(await item.textContent()).toMatch(
      /^Run of data started .* UTC: 1 of 2 epochs kept, \d+\.\d MB ResumeDelete$/,
    );
    expect(await runFolders(other)).toContain(runId);
    const shots = process.env.CT3D_SCREENSHOT_DIR;
    if (shots) await other.screenshot({ path: join(shots, 'web-train-leftovers.png'), fullPage: true });
    await item.locator('button[data-action="discard"]').click();
    await other.waitForFunction(
      () => (document.querySelector('#leftovers') as HTMLElement).hidden,
      null,
      POLL,
    );
    expect(await runFolders(other)).not.toContain(runId);
    await other.close();
  });

  it("another tab resumes a closed tab's run: the uninterrupted run's weights, bit for bit", async () => {
    const other = await openTrainPage();
    const runId = await stoppedInClosedTab(other);
    await other.reload();
    await other.locator(`#leftover-runs li[data-run-id="${runId}"] button[data-action="resume"]`).click();
    expect(await waitState(other, ['done', 'error'])).toBe('done');
    expect(await other.textContent('#error')).toBe('');
    expect(await epochLines(other)).toEqual(['Epoch 1/2', 'Epoch 2/2']);
    // The run is this tab's now: a reload would find it.
    expect(await tabRunId(other)).toBe(runId);
    expect(await other.isHidden('#leftovers')).toBe(true);
    await expectCliWeights(await downloadRun(other));
    await other.close();
  });
});
