// The installed dashboard serving a run's in-browser page: its index.html and its manifest (which loads the
// run's model with tfjs). Prints the HTTP statuses as JSON.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard } from '@ct3d/dashboard';
import { buildSeedModel, saveModel } from '@ct3d/model';

const runs = await mkdtemp(join(tmpdir(), 'ct3d-dash-predict-'));
await saveModel(
  buildSeedModel({ width: 16, height: 16, depth: 16, filters: [4, 8], denseUnits: 8, seed: 3 }),
  join(runs, 'r', 'best'),
);
const dash = await startDashboard({ runsDir: runs });
const status = async (path) => (await fetch(new URL(path, dash.url))).status;
const statuses = [await status('/runs/r/predict/'), await status('/runs/r/predict/manifest.json')];
await dash.close();
console.log(JSON.stringify({ statuses }));
