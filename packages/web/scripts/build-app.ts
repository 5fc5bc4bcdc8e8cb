// Builds the page into dist/app/ (or the folder given as the first argument): app.js (the page) and worker.js
// (model, io, preprocess) and conv-worker-browser.js (the wasm kernels' second thread, started beside worker.js
// when the page is cross-origin isolated) bundled by esbuild for browsers (the packages' "browser" conditions pick their
// browser entries), index.html, style.css and the .wasm files the worker loads (tfjs', ct3d's kernels, and the
// DICOM codecs', fetched only for a compressed series). `ct3d export-web` and `ct3d dashboard` serve this
// folder as it is, and build it with this script on first use in a checkout (src/app-build.ts).
// Also viewer/ beside it (dist/viewer/volume-view.js): the page's viewer module (NiiVue and its settings) alone,
// as an ES module the dashboard's Scans tab imports (VIEWER_DIR), so both show volumes with the same code.
// And train/ beside it (dist/train): the training page (src/page/train/: app.js, worker.js and the
// preprocess-worker.js its worker starts a pool of, index.html, the
// page's style.css and the same wasm/, and diagnose/: the diagnosis page on the model trained in the tab),
// which `ct3d export-web --train` writes and `ct3d dashboard` serves.
// Each folder is written as a sibling and renamed into place; `--keep-existing` leaves a folder another
// process finished first.
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dicomWasmFilePaths } from '@ct3d/io/node';
import { browserConvWorker, NODE_ONLY_IMPORTS, wasmFilePaths } from '@ct3d/model/wasm-files';
import { build } from 'esbuild';

const [outArg, mode] = process.argv.slice(2);
const page = fileURLToPath(new URL('../src/page/', import.meta.url));
const out = outArg ? resolve(outArg) : fileURLToPath(new URL('../dist/app', import.meta.url));
const viewerOut = join(dirname(out), 'viewer');
const trainOut = join(dirname(out), 'train');
const options = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  minify: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
} as const;

/** Writes `folder` through `fill(tmp)` in a temporary sibling, then renames it into place. */
async function writeFolder(folder: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${folder}.tmp-${process.pid}/`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await fill(tmp);
  if (mode !== '--keep-existing') await rm(folder, { recursive: true, force: true });
  try {
    await rename(tmp, folder);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (mode !== '--keep-existing' || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw err;
    await rm(tmp, { recursive: true, force: true });
  }
}

// The wasm kernels' second thread (a cross-origin isolated page's worker starts it beside worker.js).
const convWorker = browserConvWorker();
const convEntry = { [convWorker.name.replace(/\.js$/, '')]: convWorker.entry };
const outputs: Record<string, { bytes: number }> = {};
await writeFolder(out, async (tmp) => {
  const result = await build({
    ...options,
    entryPoints: { app: `${page}main.ts`, worker: `${page}worker.ts`, ...convEntry },
    outdir: tmp,
    external: [...NODE_ONLY_IMPORTS],
  });
  Object.assign(outputs, result.metafile.outputs);
  await mkdir(`${tmp}wasm`);
  for (const file of ['index.html', 'style.css']) await copyFile(`${page}${file}`, `${tmp}${file}`);
  for (const { name, path } of [...wasmFilePaths(), ...dicomWasmFilePaths()])
    await copyFile(path, `${tmp}wasm/${name}`);
});
await writeFolder(trainOut, async (tmp) => {
  const result = await build({
    ...options,
    entryPoints: {
      app: `${page}train/main.ts`,
      worker: `${page}train/worker.ts`,
      'preprocess-worker': `${page}train/preprocess-worker.ts`,
      ...convEntry,
    },
    outdir: tmp,
    external: [...NODE_ONLY_IMPORTS],
  });
  Object.assign(outputs, result.metafile.outputs);
  await mkdir(`${tmp}wasm`);
  await copyFile(`${page}train/index.html`, `${tmp}index.html`);
  await copyFile(`${page}style.css`, `${tmp}style.css`);
  for (const { name, path } of [...wasmFilePaths(), ...dicomWasmFilePaths()])
    await copyFile(path, `${tmp}wasm/${name}`);
  // diagnose/: the diagnosis page (app/'s scripts) on the model last trained in this browser, marked so in
  // its index.html; it loads the training page's wasm/ (page-model.ts).
  await mkdir(`${tmp}diagnose`);
  for (const file of ['app.js', 'worker.js', convWorker.name, 'style.css'])
    await copyFile(join(out, file), `${tmp}diagnose/${file}`);
  const html = await readFile(`${page}index.html`, 'utf8');
  const marked = html.replace(
    '<body data-state="loading">',
    '<body data-state="loading" data-model="trained-here">',
  );
  if (marked === html) throw new Error(`${page}index.html: no <body data-state="loading"> to mark`);
  await writeFile(`${tmp}diagnose/index.html`, marked);
});
await writeFolder(viewerOut, async (tmp) => {
  const viewer = await build({
    ...options,
    entryPoints: { 'volume-view': `${page}volume-view.ts` },
    outdir: tmp,
  });
  Object.assign(outputs, viewer.metafile.outputs);
});
const sizes = Object.entries(outputs)
  .filter(([name]) => name.endsWith('.js'))
  .map(([name, o]) => `${name.split('/').pop()} ${(o.bytes / 1024).toFixed(0)} KiB`);
console.log(`@ct3d/web: ${out}, ${trainOut}, ${viewerOut} (${sizes.join(', ')})`);
