// core, io, preprocess and augment in a browser: their main entry points bundled from the installed tarballs
// with esbuild for the browser platform (a `node:` import would fail the bundle), run in Chromium on the same
// NIfTI bytes as Node, with identical numbers.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHROMIUM, chromiumAvailable, openPage } from '@ct3d/test-support';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { runJson } from './run-node.js';

const { dir } = inject('consumer');
const haveChromium = chromiumAvailable('the packages-in-a-browser test');

interface Result {
  shape: number[];
  processed: number[];
  rotated: number[];
}

describe.skipIf(!haveChromium)('io + preprocess + augment bundled for the browser', () => {
  it('decode a .nii.gz, preprocess and rotate it in Chromium to the same numbers as Node', async () => {
    await runJson(dir, ['make-scan.mjs', 'browser-scan.nii.gz']);
    const bundle = await build({
      entryPoints: [join(dir, 'browser-entry.mjs')],
      absWorkingDir: dir,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      metafile: true,
    });
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((p) => p.includes('node_modules/@ct3d/io/dist/'))).toBe(true);
    expect(inputs.filter((p) => p.startsWith('node:'))).toEqual([]);
    const node = await runJson<Result>(dir, ['node-preprocess.mjs', 'browser-scan.nii.gz']);
    const bytes = await readFile(join(dir, 'browser-scan.nii.gz'));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
    });
    try {
      const page = await openPage(browser);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.addScriptTag({ content: bundle.outputFiles[0].text });
      const got = await page.evaluate(
        (b64) => (globalThis as unknown as { ct3dPreprocess(s: string): Result }).ct3dPreprocess(b64),
        bytes.toString('base64'),
      );
      expect(errors).toEqual([]);
      expect(got.shape).toEqual([24, 20, 12]);
      expect(got.processed).toEqual(node.processed);
      expect(got.rotated).toEqual(node.rotated);
    } finally {
      await browser.close();
    }
  });
});
