// DICOM series on the exported page in Chromium: a study folder (picked, or dropped through Chromium's own
// drag and drop) and several .dcm files predict as `ct3d predict <series-folder>` does, compressed series
// decode with the page's own wasm codecs, skipped files are listed, a broken series gets one line and the next
// goes on; nothing is sent and no planted patient identity appears on the page or its console.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@ct3d/model';
import { CHROMIUM, chromiumAvailable, openPage, type StaticServer, serveFolder } from '@ct3d/test-support';
import { type LoadedRun, loadRun, predictScanFile, type ScanPrediction } from '@ct3d/train';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportWebApp } from './export.js';
import {
  expectProbabilities,
  finished,
  PLANTED,
  PLANTED_NAME,
  plantedSeries,
  requestCount,
} from './test-page.js';
import { trainTinyRun, writeScan } from './test-run.js';

const haveChromium = chromiumAvailable('the in-browser DICOM tests');
const SIDE = 16;

let root: string;
let study: string;
let site: StaticServer;
let browser: Browser;
let page: Page;
let run: LoadedRun;
const expected = new Map<string, ScanPrediction>();
const requests: { url: string; method: string; body: string | null }[] = [];
const consoleLines: string[] = [];

/** The folders of the study (one series each; chest/ holds a localizer, an SR and a SEG too) and a NIfTI. */
const SERIES = {
  broken: { kind: 'missing', seed: 31, description: 'Broken 2.0' },
  chest: { kind: 'extras', seed: 32, description: 'Chest 1.0 B31f' },
  j2k: { kind: 'unsigned12', syntax: 'JPEG 2000 lossless', seed: 33, description: 'Soft J2K' },
  jpegls: { kind: 'axial', syntax: 'JPEG-LS lossless', seed: 34, description: 'Lung JPEG-LS' },
} as const;

interface ScanRow {
  name: string;
  state: string;
  facts: string;
  outcome: string;
}

const scanRows = (on = page): Promise<ScanRow[]> =>
  on.$$eval('#scans li', (items) =>
    items.map((li) => ({
      name: (li as HTMLElement).dataset.name ?? '',
      state: (li as HTMLElement).dataset.state ?? '',
      facts: li.querySelector('.facts')?.textContent ?? '',
      outcome: li.querySelector('.outcome')?.textContent ?? '',
    })),
  );

/** Shows each predicted scan in turn and checks it against Node's prediction of the same files. */
async function expectAsNode(rows: ScanRow[], nodeKeyOf: (name: string) => string): Promise<void> {
  for (const [i, row] of rows.entries()) {
    if (row.state !== 'done') continue;
    await page.click(`#scans li:nth-child(${i + 1}) button`);
    expect(await page.textContent('#scan-name')).toBe(row.name);
    const want = expected.get(nodeKeyOf(row.name));
    expect(want, row.name).toBeDefined();
    await expectProbabilities(page, want?.probabilities ?? []);
    expect(await page.textContent('#sentences')).toBe(want?.text);
  }
}

/** The series' folder for a row's name (names are "<safe description>-<hash>"). */
const folderOf = (name: string) =>
  Object.entries(SERIES).find(([, s]) => name.startsWith(s.description.replaceAll(' ', '_')))?.[0] ?? name;

async function expectStudy(topFolder: string, since: number): Promise<void> {
  expect(await finished(page, since)).toBe('done');
  const rows = await scanRows();
  const hash = '[0-9a-f]{12}';
  expect(rows.map((r) => r.name)).toEqual([
    `${topFolder}good.nii.gz`,
    expect.stringMatching(new RegExp(`^Broken_2\\.0-${hash}$`)),
    expect.stringMatching(new RegExp(`^Chest_1\\.0_B31f-${hash}$`)),
    expect.stringMatching(new RegExp(`^Soft_J2K-${hash}$`)),
    expect.stringMatching(new RegExp(`^Lung_JPEG-LS-${hash}$`)),
  ]);
  expect(rows.map((r) => r.state)).toEqual(['done', 'error', 'done', 'done', 'done']);
  expect(rows.map((r) => r.facts)).toEqual([
    'NIfTI',
    'DICOM CT, 5 slices of 20x24',
    ...Array(3).fill('DICOM CT, 6 slices of 20x24'),
  ]);
  // The broken series: one line naming it, on its row and in the alert; the series after it predicted.
  expect(rows[1].outcome).toMatch(
    new RegExp(
      `^${rows[1].name}: uneven slice spacing: 2\\.500 mm between .*, 1\\.250 mm elsewhere \\(a missing slice\\?\\)$`,
    ),
  );
  expect(await page.textContent('#error')).toBe(rows[1].outcome);
  const skipped = await page.$$eval('#skipped li', (li) => li.map((l) => l.textContent));
  expect(skipped).toEqual([
    `${topFolder}chest/scout0000.dcm: localizer (scout) image, not a slice of the volume`,
    `${topFolder}chest/seg.dcm: not an image: segmentation (SEG)`,
    `${topFolder}chest/sr.dcm: not an image: structured report (SR)`,
  ]);
  await expectAsNode(rows, (name) => (name.endsWith('.nii.gz') ? 'good' : folderOf(name)));
}

describe.skipIf(!haveChromium)('DICOM series on the exported page in Chromium', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ct3d-web-dicom-'));
    const runDir = join(root, 'runs', 'tiny');
    await trainTinyRun(runDir, SIDE);
    const exported = await exportWebApp({ runDir, outDir: join(root, 'site') });
    study = join(root, 'study');
    for (const [folder, opts] of Object.entries(SERIES)) plantedSeries(join(study, folder), opts);
    await writeScan(join(study, 'good.nii.gz'), [40, 36, 24], true);
    // What `ct3d predict --run runs/tiny <series-folder>` computes, on the page's wasm backend.
    await initBackend('wasm');
    run = await loadRun(runDir);
    for (const folder of ['chest', 'j2k', 'jpegls']) {
      expected.set(folder, await predictScanFile(run, join(study, folder)));
    }
    expected.set('good', await predictScanFile(run, join(study, 'good.nii.gz')));
    // Each scan gets its own probability: the page's cannot match Node's by chance.
    const p1 = [...expected.values()].map((p) => p.probabilities[1].toFixed(5));
    expect(new Set(p1).size).toBe(4);
    site = await serveFolder(exported.outDir);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await openPage(browser);
    page
      .context()
      .on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData() }));
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => consoleLines.push(e.message));
    await page.goto(site.url);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
  }, 120_000);

  afterAll(async () => {
    run?.model.dispose();
    await browser?.close();
    await site?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('reads a picked study folder: one diagnosis per series as `ct3d predict`, skips listed, a broken series one line', async () => {
    const since = await requestCount(page);
    await page.setInputFiles('#folder', study);
    await expectStudy('study/', since);
    const shots = process.env.CT3D_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: join(shots, 'web-dicom.png'), fullPage: true });
  });

  it('takes several .dcm files and a NIfTI on the multi-file input; an unknown transfer syntax gets one line', async () => {
    const filesOf = (dir: string) => readdirSync(dir).map((f) => join(dir, f));
    // Explicit VR little endian relabelled with a transfer syntax ct3d does not know (same length).
    const odd = plantedSeries(join(root, 'odd'), { seed: 35, description: 'Odd syntax' });
    for (const file of filesOf(odd)) {
      const bytes = readFileSync(file);
      bytes.write('1.2.840.10008.1.2.9', bytes.indexOf('1.2.840.10008.1.2.1\0'), 'latin1');
      writeFileSync(file, bytes);
    }
    // Staff typed the patient's name into the description: the series is named by its hash alone.
    const named = plantedSeries(join(root, 'named'), { seed: 36, description: 'Chest ZZTESTPATIENT' });
    const since = await requestCount(page);
    await page.setInputFiles('#file', [
      join(study, 'good.nii.gz'),
      ...filesOf(odd),
      ...filesOf(join(study, 'jpegls')),
      ...filesOf(named),
    ]);
    expect(await finished(page, since)).toBe('done');
    const rows = await scanRows();
    expect(rows.map((r) => [r.state, r.facts])).toEqual([
      ['done', 'NIfTI'],
      ['error', 'DICOM CT, 6 slices of 20x24'],
      ['done', 'DICOM CT, 6 slices of 20x24'],
      ['done', 'DICOM CT, 6 slices of 20x24'],
    ]);
    expect(rows[3].name).toMatch(/^series-[0-9a-f]{12}$/);
    expect(rows[1].outcome).toMatch(
      /^Odd_syntax-[0-9a-f]{12}: img\d{4}\.dcm: unsupported transfer syntax 1\.2\.840\.10008\.1\.2\.9$/,
    );
    expect(await page.textContent('#error')).toBe(rows[1].outcome);
    expect(await page.isHidden('#skipped')).toBe(true);
    expected.set('named', await predictScanFile(run, named));
    await expectAsNode(rows, (name) =>
      name === 'good.nii.gz' ? 'good' : name.startsWith('series-') ? 'named' : folderOf(name),
    );
  });

  it('says why when no file given is a scan, and takes the next drop', async () => {
    const since = await requestCount(page);
    const notes = { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a scan') };
    await page.setInputFiles('#file', [notes]);
    expect(await finished(page, since)).toBe('error');
    expect(await page.textContent('#error')).toBe('notes.txt: not a DICOM file (no DICM prefix)');
    expect(await page.$$eval('#skipped li', (li) => li.map((l) => l.textContent))).toEqual([
      'notes.txt: not a DICOM file (no DICM prefix)',
    ]);
  });

  it("takes the study folder dropped through Chromium's drag and drop (folders walked as entries)", async () => {
    const box = await page.locator('#drop').boundingBox();
    if (!box) throw new Error('no drop zone on the page');
    const cdp = await page.context().newCDPSession(page);
    const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const data = { items: [], files: [study], dragOperationsMask: 1 };
    const since = await requestCount(page);
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
      await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
    }
    await expectStudy('study/', since);
  });

  it('fetches only its own files (the codecs from wasm/), sends nothing, and shows or logs no patient identity', async () => {
    const urls = requests.map((r) => new URL(r.url));
    for (const [i, r] of requests.entries()) {
      expect(r.url.startsWith(site.url), r.url).toBe(true);
      expect(r.method).toBe('GET');
      expect(r.body).toBeNull();
      expect(urls[i].search).toBe('');
      expect(r.url).not.toMatch(/study|chest|broken|jpegls|j2k|odd|named|good|\.dcm|Chest|Lung|Soft|Odd/);
    }
    const paths = urls.map((u) => u.pathname);
    expect(paths).toContain('/wasm/charlswasm_decode.wasm');
    expect(paths).toContain('/wasm/openjpegwasm_decode.wasm');
    // The files carry the identity (so the search below means something); the page and its console do not.
    const anyFile = readFileSync(join(study, 'jpegls', readdirSync(join(study, 'jpegls'))[0]));
    expect(anyFile.includes(PLANTED_NAME)).toBe(true);
    const shown = [await page.content(), await page.evaluate(() => document.body.textContent ?? '')].join(
      '\n',
    );
    for (const planted of PLANTED) {
      expect(shown).not.toContain(planted);
      for (const line of consoleLines) expect(line).not.toContain(planted);
    }
  });
});
