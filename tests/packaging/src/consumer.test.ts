// The packages as a user's own Node project uses them: installed from their tarballs, run with plain node.
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { preprocessBytes } from '../consumer/preprocess-bytes.mjs';
import { runJson, runNode } from './run-node.js';

const { dir } = inject('consumer');

describe('packed packages in an empty project (plain node)', () => {
  beforeAll(async () => {
    await runJson(dir, ['make-scan.mjs', 'scan.nii.gz']);
  });

  it('reads and preprocesses a NIfTI file exactly as the workspace sources do', async () => {
    const got = await runJson<ReturnType<typeof preprocessBytes>>(dir, [
      'node-preprocess.mjs',
      'scan.nii.gz',
    ]);
    const want = preprocessBytes(new Uint8Array(await readFile(join(dir, 'scan.nii.gz'))));
    expect(got.sourceShape).toEqual([64, 64, 18]);
    expect(got.shape).toEqual([24, 20, 12]);
    expect(got.processed).toEqual(want.processed);
    expect(got.rotated).toEqual(want.rotated);
  });

  it('ingests a folder through the worker pool (built .js workers, no tsx)', async () => {
    const r = await runJson<{ scans: number; ingested: number; failed: unknown[]; entries: number }>(dir, [
      'ingest-folder.mjs',
      'data',
      'cache',
    ]);
    expect(r).toEqual({ scans: 6, ingested: 6, failed: [], entries: 6 });
  });

  it("initBackend('auto') picks wasm silently, trains a step, and a saved model reloads equal", async () => {
    const r = await runNode(dir, ['train-step.mjs', 'model']);
    expect(r.code, r.stderr).toBe(0);
    // No warning, no Dawn message from probing the (software) WebGPU adapter, no tfjs banner.
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim()) as { backend: string; loss: number; maxDiff: number };
    expect(out.backend).toBe('wasm');
    expect(Number.isFinite(out.loss)).toBe(true);
    expect(out.maxDiff).toBe(0);
  });

  it("`node --input-type=module -e` runs initBackend('auto') with its conv helper thread (it used to hang)", async () => {
    // The exact two lines, plus what they chose; the helper thread must not inherit the flags.
    const script = [
      "import { getConvThreads, initBackend } from '@ct3d/model';",
      "const b = await initBackend('auto');",
      'console.log(JSON.stringify({ backend: b.name, detail: b.detail, threads: getConvThreads() }));',
    ].join('\n');
    const r = await runNode(dir, ['--input-type=module', '-e', script], {}, 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim()) as { backend: string; detail: string; threads: number };
    expect(out.backend).toBe('wasm');
    expect(out.detail).not.toMatch(/one thread/);
    expect(out.threads).toBe(Math.min(2, availableParallelism()));
  });

  it('the installed dashboard serves its page and every module the page imports', async () => {
    const r = await runJson<{ served: string[]; failed: string[] }>(dir, ['dashboard-page.mjs']);
    expect(r.failed).toEqual([]);
    expect(r.served).toEqual(
      expect.arrayContaining([
        '/',
        '/static/app.js',
        '/static/event-fields.js',
        '/vendor/uPlot.esm.js',
        '/viewer/volume-view.js',
      ]),
    );
  });

  it('ships only built code and its sources: no test files, test helpers, fixtures or vitest', async () => {
    const root = join(dir, 'node_modules', '@ct3d');
    const files: string[] = [];
    for (const pkg of await readdir(root)) {
      for (const e of await readdir(join(root, pkg), { recursive: true, withFileTypes: true })) {
        if (e.isFile()) files.push(join(e.parentPath, e.name));
      }
    }
    expect(files.length).toBeGreaterThan(100);
    // The wasm kernels' own module ships beside the code that loads it (both builds), with tfjs-backend-wasm's
    // binaries: pages find all of them there (dist/kernels/wasm/beside-module.js).
    const wasm = files.filter((f) => f.endsWith('.wasm') && f.includes(join('@ct3d', 'model', 'dist')));
    expect(wasm.map((f) => f.split(/[/\\]/).slice(-2).join('/')).sort()).toEqual([
      'wasm/tfjs-backend-wasm-simd.wasm',
      'wasm/tfjs-backend-wasm-threaded-simd.wasm',
      'wasm/tfjs-backend-wasm.wasm',
      'wasm/winograd-relaxed.wasm',
      'wasm/winograd.wasm',
    ]);
    expect(
      files.filter((f) => /\.test\.|[/\\]test-[^/\\]*$|[/\\]testing\.|[/\\]fixtures[/\\]/.test(f)),
    ).toEqual([]);
    // TypeScript only as the sources the declaration maps point at, under each package's src/.
    const sources = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(sources.filter((f) => !/@ct3d[/\\][^/\\]+[/\\]src[/\\]/.test(f))).toEqual([]);
    const withVitest: string[] = [];
    for (const f of files.filter((f) => f.endsWith('.js'))) {
      if ((await readFile(f, 'utf8')).includes("from 'vitest'")) withVitest.push(f);
    }
    expect(withVitest).toEqual([]);
  });
});
