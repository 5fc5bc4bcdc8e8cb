// In-browser diagnosis benchmark (not a test): the seed model at 128x128x64 (random weights: time does not
// depend on them) exported with @ct3d/web, served locally, driven in Chromium on a MosMedData-like synthetic
// scan (512x512x40 int16 .nii.gz). Prints one JSON object a line per backend: model load, then each stage's
// median over --runs scans, against the goals (predict < 5 s, Grad-CAM < 15 s after load).
//   pnpm bench:web [--backend auto|wasm|webgpu]... [--runs 3] [--size WxHxD] [--screenshot page.png]
// `pnpm bench:web --train ...` times the training page instead (bench/web-train.ts).
// webgpu needs Chromium's --enable-unsafe-webgpu (passed here); without a GPU that is SwiftShader (software).
// No peer: PyTorch and Keras do not run in a page; `ct3d predict` times in Node are printed for reference.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { writeNifti } from '../packages/io/src/node.js';
import { synthesizeChestCT } from '../packages/io/src/synthetic.js';
import { buildSeedModel, initBackend, saveModel } from '../packages/model/src/index.js';
import { loadRun, predictScanFile } from '../packages/train/src/index.js';
import { APP_DIR, exportWebApp } from '../packages/web/src/index.js';
import { CHROMIUM, serveFolder } from '../tests/support/src/index.js';

// `--train`: the training page instead (bench/web-train.ts).
if (process.argv.includes('--train')) {
  await import('./web-train.js');
}

const { values } = parseArgs({
  options: {
    backend: { type: 'string', multiple: true },
    runs: { type: 'string', default: '3' },
    size: { type: 'string', default: '128x128x64' },
    screenshot: { type: 'string' },
  },
});
const backends = values.backend ?? ['auto', 'webgpu'];
const runs = Number(values.runs);
const size = values.size.split('x').map(Number) as [number, number, number];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = await mkdtemp(join(tmpdir(), 'ct3d-bench-web-'));
const runDir = join(root, 'run');
await saveModel(
  buildSeedModel({ width: size[0], height: size[1], depth: size[2], seed: 1 }),
  join(runDir, 'best'),
);
const site = await exportWebApp({ runDir, outDir: join(root, 'site') });
const scan = join(root, 'scan.nii.gz');
await writeNifti(synthesizeChestCT({ size: 512, slices: 40, abnormal: true, seed: 3 }), scan, {
  datatype: 'int16',
});
const kib = async (f: string) => Math.round((await stat(join(APP_DIR, f))).size / 1024);
const bundle = {
  app_kib: await kib('app.js'),
  worker_kib: await kib('worker.js'),
  scan_kib: Math.round((await stat(scan)).size / 1024),
};
const server = await serveFolder(site.outDir);
const version = execFileSync(CHROMIUM, ['--version'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'ignore'],
}).trim();

for (const backend of backends) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--enable-unsafe-webgpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backend=${backend}`);
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''), null, {
      timeout: 600_000,
    });
    if ((await page.getAttribute('body', 'data-state')) === 'error') {
      console.log(JSON.stringify({ bench: 'web', backend, error: await page.textContent('#error') }));
      continue;
    }
    const stages: Record<string, number[]> = {};
    for (let i = 0; i < runs; i++) {
      await page.setInputFiles('#file', scan);
      await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, {
        timeout: 600_000,
      });
      const error = await page.textContent('#error');
      if (error) throw new Error(`${backend}: ${error}`);
      const times = await page.$$eval('#stages li', (li) =>
        li.map((l) => [l.dataset.stage, Number(l.dataset.ms)] as const),
      );
      for (const [s, ms] of times) {
        stages[String(s)] ??= [];
        stages[String(s)].push(ms);
      }
    }
    if (values.screenshot) await page.screenshot({ path: values.screenshot, fullPage: true });
    const ms = Object.fromEntries(
      Object.entries(stages).map(([s, xs]) => [`${s}_ms`, Math.round(median(xs))]),
    );
    console.log(
      JSON.stringify({
        bench: 'web',
        chromium: version,
        backend: await page.getAttribute('#backend', 'data-backend'),
        asked: backend,
        detail: (await page.textContent('#backend'))?.replace(/^Running on \S+: /, ''),
        size,
        runs,
        load_ms: Number(await page.getAttribute('#backend', 'data-load-ms')),
        ...ms,
        goals: { predict_ms: 5000, gradcam_ms: 15000 },
        met: (ms.predict_ms ?? Infinity) < 5000 && (ms.gradcam_ms ?? Infinity) < 15000,
        memory: await page.textContent('#memory'),
        ...bundle,
      }),
    );
  } finally {
    await browser.close();
  }
}

// Reference: the same model and scan through `ct3d predict`'s code in Node (wasm, 2 threads).
const choice = await initBackend('wasm');
const loaded = await loadRun(runDir);
const t0 = performance.now();
await predictScanFile(loaded, scan);
console.log(
  JSON.stringify({
    bench: 'web',
    reference: 'node predictScanFile',
    backend: choice.name,
    size,
    total_ms: Math.round(performance.now() - t0),
  }),
);
await server.close();
await rm(root, { recursive: true, force: true });
process.exit(0);
