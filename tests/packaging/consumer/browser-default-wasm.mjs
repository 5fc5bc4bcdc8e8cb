// A page's whole use of @ct3d/model with no configuration: initBackend('auto') with no wasmPaths, the seed
// model's forward pass on the fixed input of browser-model-entry.mjs; the outcome (or the error) in #out.
import { buildSeedModel, initBackend, tf } from '@ct3d/model';

const out = document.getElementById('out');
try {
  const choice = await initBackend('auto');
  const model = buildSeedModel({ width: 16, height: 16, depth: 16, filters: [4, 8], denseUnits: 8, seed: 9 });
  const x = tf.reshape(tf.linspace(0, 1, 2 * 16 ** 3), [2, 16, 16, 16, 1]);
  const predictions = Array.from(await model.predict(x).data());
  out.textContent = JSON.stringify({ backend: choice.name, active: tf.getBackend(), predictions });
} catch (err) {
  out.textContent = JSON.stringify({ error: err.message, active: tf.getBackend() });
}
out.dataset.done = 'yes';
