// The installed packages in a page: @ct3d/web's exported folder served as it is (plain node exports it), and
// @ct3d/model bundled by esbuild from its tarball for the browser; both in Chromium, both equal to Node.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHROMIUM, chromiumAvailable, openPage, serveFolder } from '@ct3d/test-support';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runJson } from './run-node.js';

const { dir } = inject('consumer');
const haveChromium = chromiumAvailable('the installed packages in a page');

interface Exported {
  outDir: string;
  files: string[];
  probabilities: number[];
  text: string;
}

describe.skipIf(!haveChromium)('installed packages in a page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('`exportWebApp` from the tarball writes a page that predicts as Node does', async () => {
    await runJson(dir, ['make-scan.mjs', 'web-scan.nii.gz']);
    const out = await runJson<Exported>(dir, ['export-web.mjs', 'web-run', 'web-site', 'web-scan.nii.gz']);
    expect(out.files).toEqual(
      expect.arrayContaining(['index.html', 'app.js', 'worker.js', 'manifest.json', 'model/model.json']),
    );
    const site = await serveFolder(out.outDir);
    try {
      const page = await openPage(browser);
      await page.goto(site.url);
      await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
      expect(await page.textContent('#error')).toBe('');
      expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm');
      await page.setInputFiles('#file', join(dir, 'web-scan.nii.gz'));
      await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''));
      expect(await page.textContent('#error')).toBe('');
      const got = await page.$$eval('#probabilities tbody tr', (rows) =>
        rows.map((r) => Number((r as HTMLElement).dataset.probability)),
      );
      for (const [c, p] of out.probabilities.entries()) expect(Math.abs(got[c] - p)).toBeLessThan(1e-4);
      expect(await page.textContent('#sentences')).toBe(out.text);
    } finally {
      await site.close();
    }
  });

  it("@ct3d/model bundled for the browser runs the seed model on wasm with ct3d's kernels, as in Node", async () => {
    const node = await runJson<{
      backend: string;
      predictions: number[];
      wasmFiles: { name: string; path: string }[];
      external: string[];
    }>(dir, ['model-forward.mjs']);
    const folder = join(dir, 'model-page');
    await mkdir(join(folder, 'wasm'), { recursive: true });
    for (const f of node.wasmFiles) await copyFile(f.path, join(folder, 'wasm', f.name));
    const bundle = await build({
      entryPoints: [join(dir, 'browser-model-entry.mjs')],
      absWorkingDir: dir,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      outfile: join(folder, 'bundle.js'),
      metafile: true,
      logLevel: 'error',
      external: node.external,
    });
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((p) => p.includes('node_modules/@ct3d/model/dist/platform/browser.js'))).toBe(true);
    expect(inputs.filter((p) => p.startsWith('node:') || p.includes('platform/node.js'))).toEqual([]);
    await writeFile(
      join(folder, 'index.html'),
      '<!doctype html><script type="module" src="bundle.js"></script>',
    );
    const site = await serveFolder(folder);
    try {
      const page = await openPage(browser);
      await page.goto(site.url);
      await page.waitForFunction(() => 'ct3dModelForward' in globalThis);
      const got = await page.evaluate(() =>
        (
          globalThis as unknown as {
            ct3dModelForward(w: string): Promise<{ backend: string; predictions: number[] }>;
          }
        ).ct3dModelForward('wasm/'),
      );
      expect(got.backend).toBe('wasm');
      expect(node.backend).toBe('wasm');
      expect(got.predictions).toHaveLength(2);
      for (const [i, p] of node.predictions.entries())
        expect(Math.abs(got.predictions[i] - p)).toBeLessThan(1e-6);
    } finally {
      await site.close();
    }
  });
});
