// /runs/<name>/predict/: the in-browser diagnosis page of each run, served with a CSP that lets it compile
// its wasm kernels and the DICOM codecs and reach nothing but this server; in Chromium it predicts a NIfTI scan
// and a DICOM series from the run's model.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityAffine } from '@ct3d/core';
import { encodeNifti } from '@ct3d/io';
import { DICOM_WASM_FILES } from '@ct3d/io/dicom';
import { writeNifti } from '@ct3d/io/node';
import { initBackend, saveModel } from '@ct3d/model';
import { CHROMIUM, chromiumAvailable, nonFiniteScans, openPage, phantom } from '@ct3d/test-support';
import { loadRun, predictScanFile } from '@ct3d/train';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProbabilities,
  finished,
  markerQuadrants,
  PLANTED,
  plantedSeries,
  requestCount,
  writeMarkerScan,
} from '../../../packages/web/src/test-page.js';
import { type Dashboard, startDashboard } from './index.js';
import { tinySeedModel } from './test-helpers.js';

const SIDE = 8;
let root: string;
let dash: Dashboard;

function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: dash.port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('latin1');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-dash-predict-'));
  await saveModel(tinySeedModel(SIDE), join(root, 'runs', 'trained', 'best'));
  // A weak run, as `ct3d train` records it: metrics.json's best epoch, run.json's split.
  const weak = join(root, 'runs', 'weak');
  await saveModel(tinySeedModel(SIDE), join(weak, 'best'));
  const best = { epoch: 3, val_auc: 0.55, val_sensitivity: 0.5, val_specificity: 0.625 };
  await writeFile(
    join(weak, 'metrics.json'),
    JSON.stringify({ bestEpoch: 3, best, settings: { threshold: 0.4 } }),
  );
  await writeFile(
    join(weak, 'run.json'),
    JSON.stringify({ split: { train: ['a', 'b', 'c'], val: ['d', 'e'] } }),
  );
  await mkdir(join(root, 'runs', 'untrained'), { recursive: true });
  await writeFile(join(root, 'runs', 'untrained', 'history.json'), '{"acc":[0.5]}');
  dash = await startDashboard({ runsDir: join(root, 'runs') });
});

afterAll(async () => {
  await dash?.close();
  await rm(root, { recursive: true, force: true });
});

describe('/runs/<name>/predict/', () => {
  it('serves the page, its manifest and the best checkpoint under the page CSP', async () => {
    const bare = await get('/runs/trained/predict');
    expect([bare.status, bare.headers.location]).toEqual([308, 'predict/']);
    const page = await get('/runs/trained/predict/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="app.js">');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("'wasm-unsafe-eval'");
    const manifest = JSON.parse((await get('/runs/trained/predict/manifest.json')).body);
    expect(manifest).toMatchObject({
      run: 'trained',
      checkpoint: 'best',
      inputSize: [SIDE, SIDE, SIDE],
      head: 'sigmoid',
      classNames: ['normal', 'abnormal'],
    });
    const model = await get('/runs/trained/predict/model/model.json');
    expect(JSON.parse(model.body).weightsManifest[0].paths).toEqual(['./weights.bin']);
    const weights = await get('/runs/trained/predict/model/weights.bin');
    expect([weights.status, weights.headers['content-type']]).toEqual([200, 'application/octet-stream']);
    // ct3d's kernels, and the DICOM codecs' (fetched by the page only for a compressed series).
    for (const name of ['winograd.wasm', ...Object.keys(DICOM_WASM_FILES)]) {
      const wasm = await get(`/runs/trained/predict/wasm/${name}`);
      expect([wasm.status, wasm.headers['content-type']]).toEqual([200, 'application/wasm']);
      expect(wasm.headers['content-security-policy']).toBe(csp);
    }
  });

  it("puts the run's validation results and training set size in the manifest (none for a bare model)", async () => {
    const weak = JSON.parse((await get('/runs/weak/predict/manifest.json')).body);
    expect([weak.validation, weak.trainingScans, weak.trainingSet]).toEqual([
      { epoch: 3, scans: 2, auc: 0.55, sensitivity: 0.5, specificity: 0.625, threshold: 0.4 },
      3,
      null,
    ]);
    const bare = JSON.parse((await get('/runs/trained/predict/manifest.json')).body);
    expect([bare.validation, bare.trainingScans]).toEqual([null, null]);
  });

  it('serves the training page at /train/ under the page CSP, and nothing outside its folder', async () => {
    expect((await get('/')).body).toContain('<a id="train-link" href="/train/"');
    const redirect = await get('/train');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe('train/');
    const page = await get('/train/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>ct3d: train a CT classifier in your browser</title>');
    expect(page.body).toContain('never leave this machine');
    expect(String(page.headers['content-security-policy'])).toContain("connect-src 'self'");
    // Cross-origin isolated (its worker starts conv-worker-browser.js: the wasm kernels' second thread).
    const files = [
      '',
      'app.js',
      'worker.js',
      'conv-worker-browser.js',
      'wasm/winograd.wasm',
      'diagnose/app.js',
    ];
    for (const file of [...files, 'diagnose/worker.js', 'diagnose/conv-worker-browser.js']) {
      const r = await get(`/train/${file}`);
      expect(r.status, file).toBe(200);
      expect(
        [r.headers['cross-origin-opener-policy'], r.headers['cross-origin-embedder-policy']],
        file,
      ).toEqual(['same-origin', 'require-corp']);
    }
    // "Open diagnosis page": the diagnosis page on the model trained in the tab (read from the browser's storage).
    const diagnose = await get('/train/diagnose/index.html');
    expect(diagnose.body).toContain('<body data-state="loading" data-model="trained-here">');
    expect(String(diagnose.headers['content-security-policy'])).toContain("connect-src 'self'");
    expect((await get('/train/../runs/trained/best/model.json')).status).not.toBe(200);
    expect((await get('/train/%2e%2e/%2e%2e/package.json')).status).not.toBe(200);
  });

  it('refuses paths out of the page or model folder, and a run without a model', async () => {
    expect((await get('/runs/trained/predict/model/%2e%2e/model.json')).status).toBe(403);
    expect((await get('/runs/trained/predict/../../api/info')).status).toBe(403);
    expect((await get('/runs/nothere/predict/manifest.json')).status).toBe(404);
    const untrained = await get('/runs/untrained/predict/manifest.json');
    expect([untrained.status, untrained.body]).toEqual([404, 'this run has no trained model yet\n']);
  });

  describe.skipIf(!chromiumAvailable('the dashboard predict page in chromium'))('in Chromium', () => {
    it('predicts a dropped scan with the run model, inside the dashboard CSP; refuses a NaN scan, then goes on', async () => {
      const scan = join(root, 'scan.nii.gz');
      const shape: [number, number, number] = [20, 20, 12];
      const data = phantom(shape, true).map((v) => v * 1400 - 1000);
      await writeNifti({ data, shape, spacing: [1, 1, 2], affine: identityAffine() }, scan);
      const browser = await chromium.launch({ executablePath: CHROMIUM });
      try {
        const page = await openPage(browser);
        const violations: string[] = [];
        page.on('console', (m) => {
          if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
        });
        await page.goto(`http://127.0.0.1:${dash.port}/runs/trained/predict/`);
        await page.waitForFunction(() => document.body.dataset.state === 'ready');
        await page.setInputFiles('#file', scan);
        await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''));
        expect(await page.textContent('#error')).toBe('');
        expect(await page.textContent('#sentences')).toMatch(
          /^This model is \d+\.\d\d percent confident that CT scan is normal\nThis model is \d+\.\d\d percent confident that CT scan is abnormal$/,
        );
        // A scan whose voxels are not all finite: refused, naming it and the count; the next one is diagnosed.
        const [nan] = nonFiniteScans(encodeNifti);
        await page.setInputFiles('#file', {
          name: nan.name,
          mimeType: 'application/octet-stream',
          buffer: Buffer.from(nan.bytes),
        });
        await page.waitForFunction(() => document.body.dataset.state === 'error');
        expect(await page.textContent('#error')).toBe(
          `${nan.name}: ${nan.nonFinite} non-finite voxels (NaN/Inf, 100% of ${nan.voxels}); refused: a prediction from them would mean nothing`,
        );
        expect(await page.isHidden('#result')).toBe(true);
        await page.setInputFiles('#file', scan);
        await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''));
        expect(await page.textContent('#error')).toBe('');
        expect(await page.textContent('#sentences')).toMatch(/percent confident that CT scan is abnormal$/);
        expect(violations).toEqual([]);
      } finally {
        await browser.close();
      }
    });

    it("shows an asymmetric phantom's marker where NiiVue's convention says (the page's viewer)", async () => {
      const file = join(root, 'marker.nii.gz');
      await writeMarkerScan(file);
      const browser = await chromium.launch({ executablePath: CHROMIUM });
      try {
        const page = await openPage(browser);
        await page.goto(`http://127.0.0.1:${dash.port}/runs/trained/predict/`);
        await page.waitForFunction(() => document.body.dataset.state === 'ready');
        await page.setInputFiles('#file', file);
        await page.waitForFunction(() => document.body.dataset.viewer === 'scan+heat');
        // Patient left (lowest i, RAS+) and posterior: bottom left in neurological, bottom right in radiological.
        const neurological = await markerQuadrants(page, false);
        expect(neurological.bottomLeft).toBeGreaterThan(100);
        expect(neurological.topLeft + neurological.topRight + neurological.bottomRight).toBe(0);
        const radiological = await markerQuadrants(page, true);
        expect(radiological.bottomRight).toBeGreaterThan(100);
        expect(radiological.topLeft + radiological.topRight + radiological.bottomLeft).toBe(0);
      } finally {
        await browser.close();
      }
    });

    it('says research use only and warns about a validation AUC below 0.6', async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM });
      try {
        const page = await openPage(browser);
        await page.goto(`http://127.0.0.1:${dash.port}/runs/weak/predict/`);
        await page.waitForFunction(() => document.body.dataset.state === 'ready');
        expect(await page.isVisible('#disclaimer')).toBe(true);
        expect(await page.textContent('#run-facts')).toBe(
          'Validation (2 scans, epoch 3): AUC 0.550, sensitivity 50.0 % and specificity 62.5 % at threshold 0.4; trained on 3 scans.',
        );
        expect(await page.$$eval('#run-warnings li', (li) => li.map((l) => l.textContent))).toEqual([
          "This run's validation AUC is 0.550 (below 0.6): its answers are close to chance.",
        ]);
      } finally {
        await browser.close();
      }
    });

    it('predicts a DICOM series (JPEG-LS, its codec from the page folder) as `ct3d predict` does', async () => {
      const series = plantedSeries(join(root, 'series'), {
        syntax: 'JPEG-LS lossless',
        seed: 41,
        description: 'Chest JPEG-LS',
      });
      await initBackend('wasm');
      const run = await loadRun(join(root, 'runs', 'trained'));
      const want = await predictScanFile(run, series);
      run.model.dispose();
      const browser = await chromium.launch({ executablePath: CHROMIUM });
      try {
        const page = await openPage(browser);
        const lines: string[] = [];
        page.on('console', (m) => lines.push(m.text()));
        const fetched: string[] = [];
        page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
        await page.goto(`http://127.0.0.1:${dash.port}/runs/trained/predict/`);
        await page.waitForFunction(() => document.body.dataset.state === 'ready');
        const since = await requestCount(page);
        await page.setInputFiles('#folder', series);
        expect(await finished(page, since)).toBe('done');
        expect(await page.getAttribute('#scans li', 'data-name')).toMatch(/^Chest_JPEG-LS-[0-9a-f]{12}$/);
        expect(await page.textContent('#sentences')).toBe(want.text);
        await expectProbabilities(page, want.probabilities);
        expect(fetched).toContain('/runs/trained/predict/wasm/charlswasm_decode.wasm');
        expect(lines.filter((l) => /Content Security Policy/i.test(l))).toEqual([]);
        const shown = await page.content();
        for (const planted of PLANTED) {
          expect(shown).not.toContain(planted);
          for (const line of lines) expect(line).not.toContain(planted);
        }
      } finally {
        await browser.close();
      }
    });
  });
});
