// `ct3d export-web`: a run's best checkpoint + the prebuilt page (dist/app) + manifest.json, as one static
// folder that any file server can serve. The dashboard serves the same files per run (pageFile, webManifest).
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { walkFiles } from '@ct3d/core/node';
import { type LoadedRun, loadRun } from '@ct3d/train';
import { RUN_FILES } from '@ct3d/train/run-folder';
import { ensureAppBuilt } from './app-build.js';
import { MANIFEST_FILE, MODEL_FOLDER, type WebManifest } from './manifest.js';
import { runManifest } from './run-manifest.js';
import { SITE_README, siteReadme } from './site-readme.js';

export { DEFAULT_MAX_SCAN_BYTES } from './run-manifest.js';

/** The built page: dist/app beside this module's dist (src/ in the workspace reads the same folder). */
export const APP_DIR = fileURLToPath(new URL('../dist/app/', import.meta.url));

/**
 * The page's viewer module alone (dist/viewer/volume-view.js: VolumeView, NiiVue bundled in), for other pages
 * that show volumes the same way (the dashboard's Scans tab serves it as /viewer/volume-view.js).
 */
export const VIEWER_DIR = fileURLToPath(new URL('../dist/viewer/', import.meta.url));

/**
 * The built training page (dist/train: drop a folder of class folders, train in the tab, download the run),
 * which `ct3d export-web --train` copies and `ct3d dashboard` serves at /train/.
 */
export const TRAIN_DIR = fileURLToPath(new URL('../dist/train/', import.meta.url));

/** The page's build script: in a checkout only (the tarball ships dist/app, not scripts/). */
const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build-app.ts', import.meta.url));

/**
 * Resolves once APP_DIR holds the page. In a checkout before `pnpm build` it builds the page first (one line
 * on stderr); in an install that lacks it, it throws naming the folder.
 */
export function assertAppBuilt(): Promise<void> {
  return ensureAppBuilt(APP_DIR, BUILD_SCRIPT);
}

/**
 * The manifest for a loaded run (its model decides the input size and the head); `metrics` is the run's
 * parsed metrics.json (undefined when it has none).
 */
export function webManifest(
  runDir: string,
  run: LoadedRun,
  opts: { metrics?: unknown; maxScanBytes?: number } = {},
): WebManifest {
  return runManifest({
    run: basename(resolve(runDir)),
    checkpoint: basename(run.modelDir),
    inputShape: run.model.inputs[0].shape,
    units: run.model.outputs[0].shape.at(-1),
    info: run.info,
    metrics: opts.metrics,
    maxScanBytes: opts.maxScanBytes,
    where: run.modelDir,
  });
}

/** A run folder's metrics.json parsed, or undefined when it has none; an unreadable one names the file. */
async function readMetrics(runDir: string): Promise<unknown> {
  const file = join(runDir, RUN_FILES.metrics);
  const text = await readFile(file, 'utf8').catch((err: { code?: string }) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${file}: not valid JSON`);
  }
}

/** What exportWebApp (or exportTrainPage: no manifest) wrote. */
export interface ExportResult<M extends WebManifest | null = WebManifest> {
  outDir: string;
  manifest: M;
  /** Files written, relative to outDir, and their total size. */
  files: string[];
  bytes: number;
}

/**
 * The files of the export being built in `tmp`, relative, sorted. cp copies a link as a link: one in the run's
 * model folder would publish whatever it leads to, so the export is refused, naming it (core's walkFiles, the
 * one rule for links that leave a folder).
 */
async function exportedFiles(tmp: string, modelDir: string): Promise<string[]> {
  const { files, skipped } = await walkFiles(tmp);
  if (skipped.length > 0) {
    const link = join(modelDir, relative(join(tmp, MODEL_FOLDER), skipped[0].path));
    throw new Error(
      `${link}: a link out of the run's model folder; not exported (copy the file there instead)`,
    );
  }
  return files.map((f) => relative(tmp, f));
}

/**
 * Refuses to replace a file, or a folder that is not empty and is not an earlier export (no `marker`: the
 * diagnosis page's manifest.json, the training page's worker.js).
 */
async function checkTarget(outDir: string, marker = MANIFEST_FILE): Promise<void> {
  const info = await stat(outDir).catch(() => null);
  if (info === null) return;
  if (!info.isDirectory()) throw new Error(`${outDir}: exists and is not a folder; choose another --out`);
  const entries = await readdir(outDir);
  if (entries.length === 0 || entries.includes(marker)) return;
  throw new Error(`${outDir}: not empty and not an earlier export (no ${marker}); choose another --out`);
}

/**
 * Writes the page for `runDir` into `outDir`: index.html, app.js, worker.js, wasm/, model/ (the run's best
 * checkpoint, else its final model), manifest.json and README.md (how to serve it, the headers for two
 * threads). Built in a temporary sibling folder and renamed, so outDir is never half written.
 */
export async function exportWebApp(opts: {
  runDir: string;
  outDir: string;
  maxScanBytes?: number;
}): Promise<ExportResult> {
  await assertAppBuilt();
  const outDir = resolve(opts.outDir);
  await checkTarget(outDir);
  const run = await loadRun(opts.runDir);
  const manifest = webManifest(opts.runDir, run, {
    metrics: await readMetrics(opts.runDir),
    maxScanBytes: opts.maxScanBytes,
  });
  run.model.dispose();
  const tmp = `${outDir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await cp(APP_DIR, tmp, { recursive: true });
  await mkdir(join(tmp, MODEL_FOLDER), { recursive: true });
  await cp(run.modelDir, join(tmp, MODEL_FOLDER), { recursive: true });
  await writeFile(join(tmp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(tmp, SITE_README), siteReadme('diagnosis'));
  const files = await exportedFiles(tmp, run.modelDir).catch(async (err: unknown) => {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  });
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir);
  let bytes = 0;
  for (const f of files) bytes += (await stat(join(outDir, f))).size;
  return { outDir, manifest, files, bytes };
}

/**
 * Writes the training page into `outDir` (index.html, app.js, worker.js, preprocess-worker.js,
 * conv-worker-browser.js, style.css, wasm/, README.md: how to serve it, the headers for two threads): a static
 * folder any file server can serve; the scans dropped on it are trained on in the tab. Built in a temporary
 * sibling folder and renamed, so outDir is never half written.
 */
export async function exportTrainPage(opts: { outDir: string }): Promise<ExportResult<null>> {
  await assertAppBuilt();
  const outDir = resolve(opts.outDir);
  await checkTarget(outDir, 'worker.js');
  const tmp = `${outDir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await cp(TRAIN_DIR, tmp, { recursive: true });
  await writeFile(join(tmp, SITE_README), siteReadme('training'));
  const { files } = await walkFiles(tmp);
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir);
  let bytes = 0;
  for (const f of files) bytes += (await stat(join(outDir, relative(tmp, f)))).size;
  return { outDir, manifest: null, files: files.map((f) => relative(tmp, f)), bytes };
}
