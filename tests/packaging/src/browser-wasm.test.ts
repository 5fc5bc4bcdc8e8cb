// @ct3d/model in a page with no configuration: bundled from the tarball by esbuild (ESM) with no wasmPaths,
// the .wasm files found beside the code that names them with `new URL('./x.wasm', import.meta.url)`. esbuild
// copies no such asset, so they are copied beside the bundle as its users do (webpack, Vite and Parcel emit
// them themselves). Chromium runs initBackend('auto') on wasm with Node's numbers; a missing .wasm file is an
// error that names its URL, never a silent cpu fallback.
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHROMIUM, chromiumAvailable, openPage, serveFolder } from '@ct3d/test-support';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runJson } from './run-node.js';

const { dir } = inject('consumer');
const haveChromium = chromiumAvailable('@ct3d/model in a page without wasmPaths');

interface Outcome {
  backend?: string;
  active: string;
  predictions?: number[];
  error?: string;
}

describe.skipIf(!haveChromium)('@ct3d/model in a page without wasmPaths', () => {
  let browser: Browser;
  let node: { backend: string; predictions: number[]; external: string[] };
  const site = join(dir, 'default-wasm-page');

  /** Opens the page on a fresh server (no cache between cases) and returns what it wrote in #out. */
  async function visit(): Promise<Outcome> {
    const server = await serveFolder(site);
    try {
      const page = await openPage(browser);
      await page.goto(server.url);
      await page.waitForFunction(() => document.getElementById('out')?.dataset.done === 'yes', null, {
        timeout: 120_000,
      });
      const outcome = JSON.parse((await page.textContent('#out')) ?? '') as Outcome;
      await page.close();
      return { ...outcome, error: outcome.error?.replace(server.url, 'SITE/') };
    } finally {
      await server.close();
    }
  }

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM });
    node = await runJson(dir, ['model-forward.mjs']);
    await mkdir(site, { recursive: true });
    await build({
      entryPoints: [join(dir, 'browser-default-wasm.mjs')],
      absWorkingDir: dir,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      outfile: join(site, 'bundle.js'),
      logLevel: 'error',
      external: node.external,
    });
    await writeFile(
      join(site, 'index.html'),
      '<!doctype html><pre id="out"></pre><script type="module" src="bundle.js"></script>',
    );
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Copies the .wasm files the tarball ships beside dist/kernels/wasm/beside-module.js next to the bundle. */
  async function copyWasmBesideBundle(): Promise<string[]> {
    const from = join(dir, 'node_modules', '@ct3d', 'model', 'dist', 'kernels', 'wasm');
    const names = (await readdir(from)).filter((f) => f.endsWith('.wasm')).sort();
    for (const name of names) await copyFile(join(from, name), join(site, name));
    return names;
  }

  it("initBackend('auto') runs on wasm with the files beside the bundle, as in Node", async () => {
    expect(await copyWasmBesideBundle()).toEqual([
      'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm',
      'tfjs-backend-wasm.wasm',
      'winograd-relaxed.wasm',
      'winograd.wasm',
    ]);
    const got = await visit();
    expect(got.error).toBeUndefined();
    expect([got.backend, got.active]).toEqual(['wasm', 'wasm']);
    expect(node.backend).toBe('wasm');
    expect(got.predictions).toHaveLength(2);
    for (const [i, p] of node.predictions.entries())
      expect(Math.abs(got.predictions![i] - p)).toBeLessThan(1e-6);
  });

  it('a missing kernel file is an error naming its URL, not a cpu fallback', async () => {
    await copyWasmBesideBundle();
    await rm(join(site, 'winograd.wasm'));
    const got = await visit();
    expect(got.error).toMatch(/^backend 'wasm' unavailable: SITE\/winograd\.wasm: HTTP 404; /);
    expect(got.backend).toBeUndefined();
  });

  it('a missing tfjs-backend-wasm binary is an error naming its URL, not a cpu fallback', async () => {
    await copyWasmBesideBundle();
    for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) await rm(join(site, name));
    const got = await visit();
    expect(got.error).toMatch(
      /^backend 'wasm' unavailable: SITE\/tfjs-backend-wasm(-simd)?\.wasm: HTTP 404; /,
    );
    expect(got.backend).toBeUndefined();
  });
});
