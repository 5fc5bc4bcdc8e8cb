// The build's second step: the committed wasm kernels (built from wasm-src/ by build.sh) go beside the
// compiled module that loads them (dist/kernels/wasm/winograd.js reads ./winograd*.wasm).
import { copyFileSync, readdirSync } from 'node:fs';

const from = new URL('../src/kernels/wasm/', import.meta.url);
const to = new URL('../dist/kernels/wasm/', import.meta.url);
for (const name of readdirSync(from).filter((n) => n.endsWith('.wasm')))
  copyFileSync(new URL(name, from), new URL(name, to));
