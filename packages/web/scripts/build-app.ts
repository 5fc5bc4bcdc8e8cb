// Builds the page into dist/app/ (or the folder given as the first argument): app.js (the page) and worker.js
// (model, io, preprocess) bundled by esbuild for browsers (the packages' "browser" conditions pick their
// browser entries), index.html, style.css and the .wasm files the worker loads (tfjs', ct3d's kernels, and the
// DICOM codecs', fetched only for a compressed series). `ct3d export-web` and `ct3d dashboard` serve this
// folder as it is, and build it with this script on first use in a checkout (src/app-build.ts).
// Written in a sibling folder and renamed into place; `--keep-existing` leaves a folder another process
// finished first.
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dicomWasmFilePaths } from '@ct3d/io/node';
import { NODE_ONLY_IMPORTS, wasmFilePaths } from '@ct3d/model/wasm-files';
import { build } from 'esbuild';

const [outArg, mode] = process.argv.slice(2);
const page = fileURLToPath(new URL('../src/page/', import.meta.url));
const out = outArg ? resolve(outArg) : fileURLToPath(new URL('../dist/app', import.meta.url));
const tmp = `${out}.tmp-${process.pid}/`;

await rm(tmp, { recursive: true, force: true });
await mkdir(`${tmp}wasm`, { recursive: true });
const result = await build({
  entryPoints: { app: `${page}main.ts`, worker: `${page}worker.ts` },
  outdir: tmp,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  minify: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  external: [...NODE_ONLY_IMPORTS],
});
for (const file of ['index.html', 'style.css']) await copyFile(`${page}${file}`, `${tmp}${file}`);
for (const { name, path } of [...wasmFilePaths(), ...dicomWasmFilePaths()])
  await copyFile(path, `${tmp}wasm/${name}`);
if (mode !== '--keep-existing') await rm(out, { recursive: true, force: true });
try {
  await rename(tmp, out);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (mode !== '--keep-existing' || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw err;
  await rm(tmp, { recursive: true, force: true });
}
const sizes = Object.entries(result.metafile.outputs)
  .filter(([name]) => name.endsWith('.js'))
  .map(([name, o]) => `${name.split('/').pop()} ${(o.bytes / 1024).toFixed(0)} KiB`);
console.log(`@ct3d/web: ${out} (${sizes.join(', ')})`);
