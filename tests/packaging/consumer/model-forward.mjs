// The same forward pass as browser-model-entry.mjs in Node (wasm), where the page's .wasm files are and what a
// browser bundle leaves out.
import { buildSeedModel, initBackend, tf } from '@ct3d/model';
import { NODE_ONLY_IMPORTS, wasmFilePaths } from '@ct3d/model/wasm-files';

const choice = await initBackend('wasm');
const model = buildSeedModel({ width: 16, height: 16, depth: 16, filters: [4, 8], denseUnits: 8, seed: 9 });
const x = tf.reshape(tf.linspace(0, 1, 2 * 16 ** 3), [2, 16, 16, 16, 1]);
const predictions = Array.from(await model.predict(x).data());
console.log(
  JSON.stringify({
    backend: choice.name,
    predictions,
    wasmFiles: wasmFilePaths(),
    external: NODE_ONLY_IMPORTS,
  }),
);
