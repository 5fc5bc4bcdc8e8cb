// Builds the page into dist/app/: app.js (the page) and worker.js (model, io, preprocess) bundled by esbuild
// for browsers (the packages' "browser" conditions pick their browser entries), index.html, style.css and the
// .wasm files the worker loads (tfjs', ct3d's kernels, and the DICOM codecs', fetched only for a compressed series). `ct3d export-web` and `ct3d dashboard` serve this folder as it is.
// Also dist/viewer/volume-view.js: the page's viewer module (NiiVue and its settings) alone, as an ES module
// the dashboard's Scans tab imports (VIEWER_DIR), so both show volumes with the same code.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dicomWasmFilePaths } from '@ct3d/io/node';
import { NODE_ONLY_IMPORTS, wasmFilePaths } from '@ct3d/model/wasm-files';
import { build } from 'esbuild';

const page = fileURLToPath(new URL('../src/page/', import.meta.url));
const out = fileURLToPath(new URL('../dist/app/', import.meta.url));
const viewerOut = fileURLToPath(new URL('../dist/viewer/', import.meta.url));

await rm(out, { recursive: true, force: true });
await rm(viewerOut, { recursive: true, force: true });
await mkdir(`${out}wasm`, { recursive: true });
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
const result = await build({
  ...options,
  entryPoints: { app: `${page}main.ts`, worker: `${page}worker.ts` },
  outdir: out,
  external: [...NODE_ONLY_IMPORTS],
});
const viewer = await build({
  ...options,
  entryPoints: { 'volume-view': `${page}volume-view.ts` },
  outdir: viewerOut,
});
for (const file of ['index.html', 'style.css']) await copyFile(`${page}${file}`, `${out}${file}`);
for (const { name, path } of [...wasmFilePaths(), ...dicomWasmFilePaths()])
  await copyFile(path, `${out}wasm/${name}`);
const sizes = Object.entries({ ...result.metafile.outputs, ...viewer.metafile.outputs })
  .filter(([name]) => name.endsWith('.js'))
  .map(([name, o]) => `${name.split('/').pop()} ${(o.bytes / 1024).toFixed(0)} KiB`);
console.log(`@ct3d/web: dist/app, dist/viewer (${sizes.join(', ')})`);
