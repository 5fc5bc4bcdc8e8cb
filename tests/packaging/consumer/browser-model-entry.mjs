// @ct3d/model in a page, as a user's bundler sees it (the "browser" export condition): the wasm backend with
// ct3d's kernels from a served folder, the seed model's forward pass on a fixed input.
import { buildSeedModel, initBackend, tf } from '@ct3d/model';

globalThis.ct3dModelForward = async (wasmPaths) => {
  const choice = await initBackend('wasm', { wasmPaths });
  const model = buildSeedModel({ width: 16, height: 16, depth: 16, filters: [4, 8], denseUnits: 8, seed: 9 });
  const x = tf.reshape(tf.linspace(0, 1, 2 * 16 ** 3), [2, 16, 16, 16, 1]);
  return { backend: choice.name, predictions: Array.from(await model.predict(x).data()) };
};
