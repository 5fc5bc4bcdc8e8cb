// A run folder with a small seed model, exported as the in-browser page by the installed @ct3d/web; then the
// scan predicted in Node as `ct3d predict` does, for the page to match.
import { buildSeedModel, initBackend, saveModel } from '@ct3d/model';
import { loadRun, predictScanFile } from '@ct3d/train';
import { exportWebApp } from '@ct3d/web';

const [runDir, outDir, scan] = process.argv.slice(2);
await initBackend('wasm');
const model = buildSeedModel({ width: 16, height: 16, depth: 16, filters: [4, 8], denseUnits: 8, seed: 5 });
await saveModel(model, `${runDir}/best`);
const site = await exportWebApp({ runDir, outDir });
const p = await predictScanFile(await loadRun(runDir), scan);
console.log(
  JSON.stringify({ outDir: site.outDir, files: site.files, probabilities: p.probabilities, text: p.text }),
);
