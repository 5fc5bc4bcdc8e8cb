// The training page in Chromium: a folder of class folders (NIfTI files and DICOM series) picked on the page,
// trained in the tab, must give the weights `ct3d train --backend wasm` gives on the same files and seed, bit
// for bit; every request the page makes is recorded (GETs of its own files only, no body); the downloaded run
// folder is what `ct3d predict --run` and `ct3d export-web --run` load, with the tab's probabilities.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { decodeNifti } from '@ct3d/io';
import { extractZip } from '@ct3d/io/download';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { explain, initBackend, interactiveExplanation } from '@ct3d/model';
import { loadCache } from '@ct3d/pipeline';
import { cachedVolume, describeError, processBytes } from '@ct3d/pipeline/browser';
import { CHROMIUM, chromiumAvailable, openPage, type StaticServer, serveFolder } from '@ct3d/test-support';
import { loadRun, predictScanFile, resumeOptions } from '@ct3d/train';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportResult, exportTrainPage, exportWebApp } from './export.js';
import type { WebManifest } from './manifest.js';
import { VOLUME_HEADER_BYTES } from './page/train/opfs-store.js';
import { RUN_ID_KEY, RUN_LAYOUT, RUNS_FOLDER } from './page/train/run-plan.js';
import {
  cliTrain,
  expectSamePng,
  expectSameWeights,
  fillTrainSettings,
  ingestFolder,
  TAB_SIZE,
} from './test-cli-run.js';
import { finished, PLANTED, plantedSeries, requestCount, trainFolder } from './test-page.js';

const haveChromium = chromiumAvailable('the training page tests');

let root: string;
let data: string;
let cliRun: string;
let site: StaticServer;
let exported: ExportResult<null>;
let browser: Browser;
let page: Page;
/** The tab's run unzipped, and its manifest as `ct3d export-web --run` writes it. */
let tabRun = '';
let tabManifest: WebManifest | null = null;
const requests: { url: string; method: string; body: string | null }[] = [];

describe.skipIf(!haveChromium)('the training page in Chromium', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ct3d-train-page-'));
    data = join(root, 'data');
    await writeSyntheticDataset(data, { perClass: 3, size: 24, slices: [10, 12], seed: 1 });
    // And a DICOM series in each class, a patient identity planted in its headers.
    plantedSeries(join(data, 'CT-0', 'series-a'), { seed: 41, description: 'Chest axial' });
    plantedSeries(join(data, 'CT-23', 'series-b'), { seed: 42, description: 'Chest axial' });
    // What `ct3d ingest data --size 16x16x8` then `ct3d train --backend wasm --epochs 2 --seed 4 --filters 2` do.
    const cacheDir = join(root, 'cache');
    await ingestFolder(data, cacheDir);
    // A page runs the wasm conv kernels on one thread (no cross-origin isolation); Node splits each conv's
    // batch over 2 threads by default, which sums the first conv's bias gradient in another order (its last
    // bits differ). Same thread count, same weights: the run here uses one thread, as the tab does.
    cliRun = await cliTrain(cacheDir, join(root, 'cli-run'), 1);
    exported = await exportTrainPage({ outDir: join(root, 'site') });
    site = await serveFolder(exported.outDir);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await openPage(browser, { acceptDownloads: true });
    page
      .context()
      .on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData() }));
    await page.goto(site.url);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('trains the weights `ct3d train --backend wasm` trains, bit for bit, and the download is a run folder predict loads', async () => {
    expect(await page.textContent('.privacy')).toContain('never leave this machine');
    await fillTrainSettings(page);
    const state = await trainFolder(page, data);
    expect(await page.textContent('#error')).toBe('');
    expect(state).toBe('done');
    expect(await page.getAttribute('#backend-info', 'data-backend')).toBe('wasm');
    // The seed's epoch lines, one per epoch, from the trainer's events.
    const log = (await page.textContent('#log')) ?? '';
    expect(log.match(/^Epoch \d+\/2$/gm)).toEqual(['Epoch 1/2', 'Epoch 2/2']);
    expect(await page.isHidden('#skipped')).toBe(true);
    // Eight scans preprocessed (six NIfTI files, two DICOM series), no identity shown.
    expect(await page.$$eval('#scans li[data-state="done"]', (li) => li.length)).toBe(8);
    const shown = (await page.textContent('body')) ?? '';
    for (const planted of PLANTED) expect(shown).not.toContain(planted);
    const shots = process.env.CT3D_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: join(shots, 'web-train.png'), fullPage: true });
    // The preprocessed volumes are in the run's folder of the page's private files, not the tab's memory: one
    // file per scan, its header then its float32 voxels.
    expect(await page.textContent('#store-info')).toBe('');
    const kept = await page.evaluate(
      async ({ runs, key, volumes }) => {
        const root = await navigator.storage.getDirectory();
        const run = await (await root.getDirectoryHandle(runs)).getDirectoryHandle(
          sessionStorage.getItem(key) ?? '',
        );
        const dir = await run.getDirectoryHandle(volumes);
        const sizes: number[] = [];
        for await (const [, handle] of dir as unknown as AsyncIterable<[string, FileSystemFileHandle]>)
          sizes.push((await handle.getFile()).size);
        return sizes;
      },
      { runs: RUNS_FOLDER, key: RUN_ID_KEY, volumes: RUN_LAYOUT.volumes },
    );
    expect(kept).toEqual(Array(8).fill(VOLUME_HEADER_BYTES + 4 * TAB_SIZE[0] * TAB_SIZE[1] * TAB_SIZE[2]));

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const zip = join(root, 'run.zip');
    await download.saveAs(zip);
    const unpacked = join(root, 'unpacked');
    expect((await extractZip({ zipPath: zip, outDir: unpacked })).failed).toEqual([]);
    tabRun = join(unpacked, 'ct3d-run-seed4');
    await expectSameWeights(tabRun, cliRun);
    // The same split as the CLI run (its ids are cache ids; the tab's are paths in the dropped folder).
    const tabInfo = JSON.parse(await readFile(join(tabRun, 'run.json'), 'utf8'));
    const cliInfo = JSON.parse(await readFile(join(cliRun, 'run.json'), 'utf8'));
    const manifest = await loadCache(join(root, 'cache'));
    const sourceOf = (id: string) => relative(data, manifest.entries.find((e) => e.id === id)?.source ?? '');
    expect(tabInfo.split.val).toEqual(cliInfo.split.val.map(sourceOf));
    expect(tabInfo.recipe).toEqual(cliInfo.recipe);
    // The CLI run records the thread count its weights depend on.
    expect(cliInfo.reproduce.tfjs).toMatchObject({ backend: 'wasm', convThreads: 1 });
    expect(JSON.parse(await readFile(join(tabRun, 'history.json'), 'utf8')).loss).toHaveLength(2);
    // The seed's curves (the same history) and montage (the same first augmented scan), as the CLI draws them.
    await expectSamePng('curves.png', tabRun, cliRun);
    await expectSamePng('montage.png', tabRun, cliRun);
    expect(tabInfo.split.train).toHaveLength(6);
    expect(tabInfo.split.train.filter((id: string) => id.includes('/series-'))).toHaveLength(2);
    const zipText = new TextDecoder('latin1').decode(await readFile(zip));
    for (const planted of PLANTED) expect(zipText).not.toContain(planted);

    // `ct3d predict --run <unpacked>` on each validation scan: the probabilities the tab shows.
    await initBackend('wasm');
    const run = await loadRun(tabRun);
    const rows = await page.$$eval('#validation tbody tr', (trs) =>
      trs.map((tr) => ({
        id: (tr as HTMLElement).dataset.id ?? '',
        p: JSON.parse((tr as HTMLElement).dataset.probabilities ?? '[]'),
      })),
    );
    expect(rows.map((r) => r.id)).toEqual(tabInfo.split.val);
    for (const row of rows) {
      const predicted = await predictScanFile(run, join(data, row.id));
      expect(predicted.probabilities).toEqual(row.p);
    }
    run.model.dispose();
    // `ct3d train --resume <unpacked>`: refused in one line, the run's checkpoints are the tab's.
    await expect(resumeOptions(tabRun)).rejects.toThrow(
      /run\.json: trained in a browser tab, which keeps its checkpoints: resume it there/,
    );
    // `ct3d export-web --run <unpacked>`: the diagnosis page of the tab's run.
    const page2 = await exportWebApp({ runDir: tabRun, outDir: join(root, 'tab-run-site') });
    tabManifest = page2.manifest;
    expect(page2.manifest).toMatchObject({
      checkpoint: 'best',
      inputSize: TAB_SIZE,
      classNames: ['normal', 'abnormal'],
    });
  });

  it("draws a validation scan's heat map: Node's explain(model, volume, interactiveExplanation(size)) on the same preprocessed scan", async () => {
    const info = JSON.parse(await readFile(join(tabRun, 'run.json'), 'utf8'));
    const id = (info.split.val as string[]).find((v) => v.endsWith('.nii.gz'));
    if (!id) throw new Error('the split put no NIfTI file in validation');
    await page.click(`#validation tr[data-id="${id}"] button`);
    await page.waitForFunction((want) => document.body.dataset.viewer === want, id, { timeout: 60_000 });
    expect(await page.isVisible('#viewer-canvas')).toBe(true);
    const shots = process.env.CT3D_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: join(shots, 'web-train-heat-map.png'), fullPage: true });
    const bytes = await page.evaluate(() =>
      (globalThis as unknown as { ct3dHeatMap: () => number[] | null }).ct3dHeatMap(),
    );
    expect(bytes).not.toBeNull();
    const shown = decodeNifti(new Uint8Array(bytes ?? []), { name: 'heat.nii' });
    // Node: ingest's preprocessing of the same file (the cache's float32), the downloaded best checkpoint.
    const file = new Uint8Array(await readFile(join(data, id)));
    const { volume } = processBytes(file, { size: TAB_SIZE, name: id, preprocess: info.recipe.preprocess });
    const input = cachedVolume(volume, id).volume;
    const run = await loadRun(tabRun);
    try {
      const how = interactiveExplanation(input.shape);
      const node = await explain(run.model, input, how);
      expect(shown.shape).toEqual(input.shape);
      expect(Array.from(shown.data)).toEqual(Array.from(node.cam.data));
      const className = info.classNames[node.classIndex];
      expect(await page.textContent('#cam-info')).toContain(
        `evidence for "${className}" (${how.method ?? 'occlusion'} on `,
      );
    } finally {
      run.model.dispose();
    }
  });

  it('"Open diagnosis page" diagnoses with the model just trained, kept in this browser: predict --run\'s probabilities', async () => {
    expect(tabManifest).not.toBeNull();
    await Promise.all([page.waitForURL('**/diagnose/index.html'), page.click('#diagnose')]);
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 60_000 });
    expect(await page.textContent('#error')).toBe('');
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm');
    // The manifest kept in this browser is the one `ct3d export-web --run` writes for the downloaded run.
    const kept = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('ct3d-training-page');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('trained-model').objectStore('trained-model').get('last');
            get.onsuccess = () => resolve(get.result.manifest);
            get.onerror = () => reject(get.error);
          };
        }),
    );
    expect(kept).toEqual(tabManifest);
    expect(await page.textContent('#model-info')).toContain('Run ct3d-run-seed4 (best checkpoint)');
    // Each validation scan (a NIfTI file, a DICOM series' folder): `ct3d predict --run`'s probabilities.
    const info = JSON.parse(await readFile(join(tabRun, 'run.json'), 'utf8'));
    const run = await loadRun(tabRun);
    try {
      for (const id of info.split.val as string[]) {
        const since = await requestCount(page);
        await page.setInputFiles(id.includes('/series-') ? '#folder' : '#file', join(data, id));
        expect(await finished(page, since)).toBe('done');
        const want = (await predictScanFile(run, join(data, id))).probabilities;
        const got = await page.$$eval('#probabilities tbody tr', (rows) =>
          rows.map((r) => Number((r as HTMLElement).dataset.probability)),
        );
        expect(got).toEqual(want);
      }
    } finally {
      run.model.dispose();
    }
    await page.goto(site.url);
  });

  it('names a bad file in one line and trains on the rest; lists files outside class folders; Stop ends a run', async () => {
    const mixed = join(root, 'mixed');
    await cp(data, mixed, { recursive: true });
    const broken = new TextEncoder().encode('not a NIfTI file');
    await writeFile(join(mixed, 'CT-0', 'broken.nii.gz'), broken);
    await cp(join(data, 'CT-0', 'study_0001.nii.gz'), join(mixed, 'loose.nii.gz'));
    await writeFile(join(mixed, 'notes.txt'), 'labels checked by hand\n');
    await fillTrainSettings(page, 1);
    expect(await trainFolder(page, mixed)).toBe('done');
    // The broken file: ingest's reason after its path, one line; the other eight scans trained.
    let reason = '';
    try {
      processBytes(broken, { size: TAB_SIZE, name: 'CT-0/broken.nii.gz' });
    } catch (err) {
      reason = describeError(err);
    }
    expect(reason).not.toBe('');
    const failed = await page.$$eval('#scans li[data-state="error"]', (li) => li.map((l) => l.textContent));
    expect(failed).toEqual([`CT-0/broken.nii.gz: ${reason}`]);
    expect(await page.$$eval('#scans li[data-state="done"]', (li) => li.length)).toBe(8);
    const skipped = await page.$$eval('#skipped li', (li) => li.map((l) => l.textContent ?? ''));
    expect(skipped).toContain(
      'mixed/loose.nii.gz: not in a class folder (drop a folder holding one folder per class)',
    );
    expect(skipped.some((line) => line.startsWith('mixed/notes.txt: '))).toBe(true);
    expect(await page.isVisible('#download')).toBe(true);

    // Stop: a long run ends after its current step, without a download; Train then starts afresh.
    await page.fill('#epochs', '500');
    await page.click('#train');
    await page.waitForFunction(
      () => Number(document.querySelector('#log')?.getAttribute('data-epochs') ?? 0) >= 1,
    );
    await page.click('#stop');
    await page.waitForFunction(() => document.body.dataset.state === 'stopped', null, { timeout: 60_000 });
    expect(await page.isHidden('#download')).toBe(true);
    expect(await page.isEnabled('#train')).toBe(true);
  });

  it('labels picked scans from a CSV instead of class folders, naming each bad row in one line', async () => {
    const nifti = async (cls: string) =>
      (await readdir(join(data, cls))).filter((f) => f.endsWith('.nii.gz')).sort();
    const [normal, abnormal] = [await nifti('CT-0'), await nifti('CT-23')];
    const rows = [
      ...abnormal.map((f) => `CT-23/${f},ill`),
      `CT-0/${normal[0]},healthy`,
      `CT-0/${normal[1]},healthy`,
      'CT-0/series-a,healthy',
      'CT-23/series-b,ill',
      'CT-9/none.nii.gz,ill',
      `CT-0/${normal[2]}`,
    ];
    const csv = join(root, 'labels.csv');
    await writeFile(csv, `path,class\n${rows.join('\n')}\n`);
    await page.setInputFiles('#labels', csv);
    await page.waitForFunction(
      () => document.querySelector('#labels-info')?.textContent === 'Labels from labels.csv',
    );
    await fillTrainSettings(page, 1);
    const state = await trainFolder(page, data);
    expect(await page.textContent('#error')).toBe('');
    expect(state).toBe('done');
    const problems = await page.$$eval('#label-problems li', (li) => li.map((l) => l.textContent));
    expect(problems).toEqual([
      'labels.csv:10: expected 2 columns (path or StudyInstanceUID or SeriesInstanceUID, class), got 1',
      'labels.csv:9: CT-9/none.nii.gz names no scan of the files given',
    ]);
    const skipped = await page.$$eval('#skipped-files li', (li) => li.map((l) => l.textContent));
    expect(skipped).toEqual([`data/CT-0/${normal[2]}: unlabelled: no row of labels.csv names it`]);
    expect(await page.$$eval('#scans li[data-state="done"]', (li) => li.length)).toBe(7);
    // The run's classes are the CSV's, in order of first appearance; the seven labelled scans are split.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const zip = join(root, 'csv-run.zip');
    await download.saveAs(zip);
    const out = join(root, 'csv-run');
    expect((await extractZip({ zipPath: zip, outDir: out })).failed).toEqual([]);
    const info = JSON.parse(await readFile(join(out, 'ct3d-run-seed4', 'run.json'), 'utf8'));
    expect(info.classNames).toEqual(['ill', 'healthy']);
    const ids = [...info.split.train, ...info.split.val];
    expect(ids).toHaveLength(7);
    for (const f of abnormal) expect(ids).toContain(`CT-23/${f}`);
    expect(ids).not.toContain(`CT-0/${normal[2]}`);
    await page.click('#no-labels');
    expect(await page.textContent('#labels-info')).toBe('');
  });

  it('makes only GET requests for its own files: no body, no scan data, nothing elsewhere', () => {
    // The worker's own fetches are recorded too: its script and the wasm it trains with.
    const paths = requests.map((r) => new URL(r.url).pathname);
    expect(paths).toContain('/worker.js');
    expect(paths.some((p) => p.startsWith('/wasm/'))).toBe(true);
    const files = new Set(exported.files.map((f) => `/${f.split('\\').join('/')}`));
    files.add('/');
    for (const r of requests) {
      expect(r.method).toBe('GET');
      expect(r.body).toBeNull();
      const url = new URL(r.url);
      expect(url.origin).toBe(new URL(site.url).origin);
      expect(files.has(url.pathname), r.url).toBe(true);
      expect(url.search).toBe('');
    }
  });
});
