// initBackend('auto'), one training step of the seed model, then save + load with equal predictions.
import { buildSeedModel, initBackend, loadModel, saveModel, tf } from '@ct3d/model';

const dir = process.argv[2];
const backend = await initBackend('auto');
const model = buildSeedModel({ width: 48, height: 48, depth: 48, filters: [4, 4, 8, 8], seed: 1 });
model.compile({ optimizer: tf.train.adam(1e-4), loss: 'binaryCrossentropy' });
const x = tf.randomUniform([2, 48, 48, 48, 1], 0, 1, 'float32', 5);
const y = tf.tensor2d([[0], [1]]);
const t0 = performance.now();
const loss = await model.trainOnBatch(x, y);
const stepMs = performance.now() - t0;
await saveModel(model, dir);
const again = await loadModel(dir);
const before = await model.predict(x).data();
const after = await again.predict(x).data();
const maxDiff = Math.max(...Array.from(before, (v, i) => Math.abs(v - after[i])));
console.log(JSON.stringify({ backend: backend.name, loss, stepMs, maxDiff, predictions: Array.from(after) }));
