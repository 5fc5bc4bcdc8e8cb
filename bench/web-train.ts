// Training-page benchmark (not a test): `pnpm bench:web --train [--size 64x64x48] [--per-class 4] [--epochs 2]
// [--filters 64,64,128,256] [--batch 2]`. A synthetic data set (512-pixel MosMed-like .nii.gz scans) is trained in
// Chromium's tab (the exported training page, wasm) with 1 conv thread (served without cross-origin isolation)
// and 2 (served by serveSite, `ct3d serve-web`: COOP/COEP), and by trainFromCache in Node (what `ct3d train
// --backend wasm` runs) with 1 and 2 conv threads, on the same files and seed. One JSON line each: the last epoch's ms a step and epoch time (the trainer's epochEnd), the
// whole run's wall time, and whether the final weights equal the tab's; and the tab's peak memory (its
// renderer process's peak resident set, page and workers). Goal: the tab within 1.5x of Node's ms a step at
// the same thread count.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { discoverScans } from '../packages/io/src/discover.js';
import { extractZip } from '../packages/io/src/download/zip-extract.js';
import { writeSyntheticDataset } from '../packages/io/src/synthetic-dataset.js';
import { setConvThreads } from '../packages/model/src/index.js';
import { createWorkerPool, ingest } from '../packages/pipeline/src/index.js';
import { type EpochEndEvent, trainFromCache } from '../packages/train/src/index.js';
import { exportTrainPage, serveSite } from '../packages/web/src/index.js';
import { CHROMIUM, serveFolder } from '../tests/support/src/index.js';

/**
 * The tab's peak memory: the highest peak resident set (Linux /proc VmHWM) among the renderer processes
 * of the Chromium this process launched (`ancestor`: this process); the page and its workers (training,
 * wasm memory) run in the tab's renderer. Null where /proc is absent.
 */
async function peakRendererBytes(ancestor: number): Promise<number | null> {
  const pids = await readdir('/proc').catch(() => [] as string[]);
  const parent = new Map<number, number>();
  const renderers: number[] = [];
  for (const name of pids.filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if ((await readFile(`/proc/${name}/cmdline`, 'utf8')).includes('--type=renderer'))
        renderers.push(Number(name));
    } catch {
      // a process that ended while listed
    }
  }
  const under = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === ancestor) return true;
    return false;
  };
  let peak: number | null = null;
  for (const pid of renderers.filter(under)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
    if (Number.isFinite(kib)) peak = Math.max(peak ?? 0, kib * 1024);
  }
  return peak;
}

const { values } = parseArgs({
  options: {
    train: { type: 'boolean' },
    size: { type: 'string', default: '64x64x48' },
    'per-class': { type: 'string', default: '4' },
    epochs: { type: 'string', default: '2' },
    filters: { type: 'string', default: '64,64,128,256' },
    batch: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
  },
});
const size = values.size.split('x').map(Number) as [number, number, number];
const filters = values.filters.split(',').map(Number);
const run = {
  epochs: Number(values.epochs),
  seed: Number(values.seed),
  filters,
  batchSize: Number(values.batch),
};

const root = await mkdtemp(join(tmpdir(), 'ct3d-bench-web-train-'));
const data = join(root, 'data');
await writeSyntheticDataset(data, {
  perClass: Number(values['per-class']),
  size: 512,
  slices: [36, 44],
  seed: 2,
});
const cacheDir = join(root, 'cache');
const pool = createWorkerPool({ workers: 2 });
const { scans } = await discoverScans(data);
await new Promise((done, fail) =>
  ingest({ scans, cacheDir, size, pool }).subscribe({ complete: () => done(null), error: fail }),
);
await pool.close();
const common = { bench: 'web-train', size, filters, epochs: run.epochs, batch: run.batchSize };

// Node: trainFromCache with 1 then 2 conv threads.
const nodeWeights = new Map<number, Buffer>();
for (const threads of [1, 2] as const) {
  setConvThreads(threads);
  const runDir = join(root, `node-${threads}`);
  const training = trainFromCache({ ...run, cacheDir, runDir, backend: 'wasm', workers: 2 });
  let last: EpochEndEvent | null = null;
  training.events$.subscribe((e) => {
    if (e.type === 'epochEnd') last = e;
  });
  const t0 = performance.now();
  await training.start();
  const wall = performance.now() - t0;
  nodeWeights.set(threads, await readFile(join(runDir, 'model', 'weights.bin')));
  const e = last as EpochEndEvent | null;
  console.log(
    JSON.stringify({
      ...common,
      where: 'node',
      threads,
      ms_per_step: e?.msPerStep,
      epoch_ms: e?.ms,
      wall_ms: Math.round(wall),
    }),
  );
}

// The tab: the exported training page in Chromium, the same settings; plain (1 thread), then isolated (2).
const site = await exportTrainPage({ outDir: join(root, 'site') });
const version = execFileSync(CHROMIUM, ['--version'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'ignore'],
}).trim();
try {
  for (const threads of [1, 2] as const) {
    const server = threads === 1 ? await serveFolder(site.outDir) : await serveSite({ root: site.outDir });
    // A browser each: the peak below is this tab's alone.
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
      await page.goto(server.url);
      await page.fill('#size', size.join('x'));
      await page.fill('#epochs', String(run.epochs));
      await page.fill('#seed', String(run.seed));
      await page.fill('#filters', filters.join(','));
      await page.fill('#batch', String(run.batchSize));
      await page.selectOption('#backend', 'wasm');
      await page.setInputFiles('#folder', data);
      const t0 = performance.now();
      await page.click('#train');
      await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, {
        timeout: 3_600_000,
      });
      const wall = performance.now() - t0;
      // While the tab is still open: the peak of its whole run, the zip included.
      const peakBytes = await peakRendererBytes(process.pid);
      const error = await page.textContent('#error');
      if (error) throw new Error(`the tab: ${error}`);
      const used = Number(await page.getAttribute('#backend-info', 'data-threads'));
      if (used !== threads) throw new Error(`the tab trained on ${used} threads, not ${threads}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      const zip = join(root, `tab-${threads}.zip`);
      await download.saveAs(zip);
      const out = join(root, `tab-${threads}`);
      await extractZip({ zipPath: zip, outDir: out });
      const weights = await readFile(join(out, `ct3d-run-seed${run.seed}`, 'model', 'weights.bin'));
      console.log(
        JSON.stringify({
          ...common,
          where: 'chromium',
          chromium: version,
          threads,
          ms_per_step: Number(await page.getAttribute('#log', 'data-ms-per-step')),
          epoch_ms: Number(await page.getAttribute('#log', 'data-epoch-ms')),
          wall_ms: Math.round(wall),
          tab_peak_mib: peakBytes === null ? null : Math.round(peakBytes / 2 ** 20),
          scans: scans.length,
          weights_equal_node_1_thread: weights.equals(nodeWeights.get(1) as Buffer),
          weights_equal_node_2_threads: weights.equals(nodeWeights.get(2) as Buffer),
        }),
      );
    } finally {
      await browser.close();
      await server.close();
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
process.exit(0);
