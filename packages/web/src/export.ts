// `ct3d export-web`: a run's best checkpoint + the prebuilt page (dist/app) + manifest.json, as one static
// folder that any file server can serve. The dashboard serves the same files per run (pageFile, webManifest).
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedRecipe } from '@ct3d/augment';
import { walkFiles } from '@ct3d/core/node';
import { SEED_HU_WINDOW } from '@ct3d/preprocess';
import { type LoadedRun, loadRun, predictionClassNames } from '@ct3d/train';
import { RUN_FILES } from '@ct3d/train/run-folder';
import { ensureAppBuilt } from './app-build.js';
import { MANIFEST_FILE, MODEL_FOLDER, type ValidationSummary, type WebManifest } from './manifest.js';

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

/** A scan needing more than this in the tab is refused before it is read (tabs get a few GiB at most). */
export const DEFAULT_MAX_SCAN_BYTES = 1.5 * 1024 ** 3;

/** The page's build script: in a checkout only (the tarball ships dist/app, not scripts/). */
const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build-app.ts', import.meta.url));

/**
 * Resolves once APP_DIR holds the page. In a checkout before `pnpm build` it builds the page first (one line
 * on stderr); in an install that lacks it, it throws naming the folder.
 */
export function assertAppBuilt(): Promise<void> {
  return ensureAppBuilt(APP_DIR, BUILD_SCRIPT);
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;

/** The best epoch's validation numbers of a parsed metrics.json (null without a best epoch). */
export function validationSummary(metrics: unknown, run: LoadedRun): ValidationSummary | null {
  const best = field(metrics, 'best');
  if (typeof best !== 'object' || best === null) return null;
  return {
    epoch: finite(field(metrics, 'bestEpoch')),
    scans: run.info?.split?.val.length ?? null,
    auc: finite(field(best, 'val_auc')),
    sensitivity: finite(field(best, 'val_sensitivity')),
    specificity: finite(field(best, 'val_specificity')),
    threshold: finite(field(field(metrics, 'settings'), 'threshold')) ?? 0.5,
  };
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
  const [, w, h, d] = run.model.inputs[0].shape;
  const units = run.model.outputs[0].shape.at(-1);
  if (!w || !h || !d || !units) throw new Error(`${run.modelDir}: the model has no fixed [w, h, d] input`);
  const { preprocess } = run.info?.recipe ?? seedRecipe([w, h, d]);
  const window = preprocess.find((e) => e.name === 'ScaleIntensityRange');
  return {
    format: 'ct3d-web-1',
    run: basename(resolve(runDir)),
    checkpoint: basename(run.modelDir),
    inputSize: [w, h, d],
    head: units === 1 ? 'sigmoid' : 'softmax',
    // The names `ct3d predict` says: the seed's normal / abnormal for a sigmoid head.
    classNames: predictionClassNames(units, run.info?.classNames),
    huWindow: window ? { min: Number(window.a_min), max: Number(window.a_max) } : { ...SEED_HU_WINDOW },
    preprocess,
    maxScanBytes: opts.maxScanBytes ?? DEFAULT_MAX_SCAN_BYTES,
    validation: validationSummary(opts.metrics, run),
    trainingScans: run.info?.split?.train.length ?? null,
    trainingSet: run.info?.trainingSet ?? null,
  };
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
 * checkpoint, else its final model) and manifest.json. Built in a temporary sibling folder and renamed, so
 * outDir is never half written.
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
 * Writes the training page into `outDir` (index.html, app.js, worker.js, style.css, wasm/): a static folder
 * any file server can serve; the scans dropped on it are trained on in the tab. Built in a temporary sibling
 * folder and renamed, so outDir is never half written.
 */
export async function exportTrainPage(opts: { outDir: string }): Promise<ExportResult<null>> {
  await assertAppBuilt();
  const outDir = resolve(opts.outDir);
  await checkTarget(outDir, 'worker.js');
  const tmp = `${outDir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await cp(TRAIN_DIR, tmp, { recursive: true });
  const { files } = await walkFiles(tmp);
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir);
  let bytes = 0;
  for (const f of files) bytes += (await stat(join(outDir, relative(tmp, f)))).size;
  return { outDir, manifest: null, files: files.map((f) => relative(tmp, f)), bytes };
}
