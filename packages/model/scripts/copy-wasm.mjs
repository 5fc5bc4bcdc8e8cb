// The build's second step: the committed wasm kernels (built from wasm-src/ by build.sh) go beside the
// compiled module that loads them (dist/kernels/wasm/winograd.js reads ./winograd*.wasm), and tfjs-backend-wasm's
// binaries go there too: dist/kernels/wasm/beside-module.js names all of them with
// `new URL('./x.wasm', import.meta.url)`, which bundlers resolve, so pages need no wasmPaths.
import { copyFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const to = fileURLToPath(new URL('../dist/kernels/wasm/', import.meta.url));
const ours = fileURLToPath(new URL('../src/kernels/wasm/', import.meta.url));
const tfjs = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
for (const from of [ours, tfjs]) {
  for (const name of readdirSync(from).filter((n) => n.endsWith('.wasm'))) {
    copyFileSync(join(from, name), join(to, name));
  }
}
