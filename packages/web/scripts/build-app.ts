// Builds the page into dist/app/: app.js (the page) and worker.js (model, io, preprocess) bundled by esbuild
// for browsers (the packages' "browser" conditions pick their browser entries), index.html, style.css and the
// .wasm files the worker loads (tfjs', ct3d's kernels, and the DICOM codecs', fetched only for a compressed series). `ct3d export-web` and `ct3d dashboard` serve this folder as it is.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dicomWasmFilePaths } from '@ct3d/io/node';
import { NODE_ONLY_IMPORTS, wasmFilePaths } from '@ct3d/model/wasm-files';
import { build } from 'esbuild';

const page = fileURLToPath(new URL('../src/page/', import.meta.url));
const out = fileURLToPath(new URL('../dist/app/', import.meta.url));

await rm(out, { recursive: true, force: true });
await mkdir(`${out}wasm`, { recursive: true });
const result = await build({
  entryPoints: { app: `${page}main.ts`, worker: `${page}worker.ts` },
  outdir: out,
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
for (const file of ['index.html', 'style.css']) await copyFile(`${page}${file}`, `${out}${file}`);
for (const { name, path } of [...wasmFilePaths(), ...dicomWasmFilePaths()])
  await copyFile(path, `${out}wasm/${name}`);
const sizes = Object.entries(result.metafile.outputs)
  .filter(([name]) => name.endsWith('.js'))
  .map(([name, o]) => `${name.split('/').pop()} ${(o.bytes / 1024).toFixed(0)} KiB`);
console.log(`@ct3d/web: dist/app (${sizes.join(', ')})`);
