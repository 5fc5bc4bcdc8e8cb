// The dashboard fed by the real @ct3d/train fit() on a tiny model: the event contract end to end.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phantomBatches } from '@ct3d/test-support';
import { fit, RunRecorder } from '@ct3d/train';
import { connectable, lastValueFrom, share } from 'rxjs';
import { afterEach, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from './index.js';
import { tinySeedModel, writeTinyCache } from './test-helpers.js';

const SIDE = 8;
const batches = () => phantomBatches(SIDE);

function getJson(d: Dashboard, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: d.port, path }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text.startsWith('[') ? JSON.parse(text) : text }),
      );
    })
      .on('error', reject)
      .end();
  });
}

let root: string;
let dash: Dashboard | undefined;
afterEach(async () => {
  await dash?.close();
  await rm(root, { recursive: true, force: true });
});

it('logs a real fit() run, replays it, and explains its best model with the heat map its page shows', async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-dash-fit-'));
  await writeTinyCache(join(root, 'cache'), [SIDE, SIDE, SIDE]);
  const runDir = join(root, 'runs', 'fit-1');
  const model = tinySeedModel(SIDE);
  const events$ = fit({
    model,
    train: batches,
    validation: batches,
    epochs: 2,
    stepsPerEpoch: 2,
    runDir,
  }).pipe(share());
  // Both consumers subscribe before the run starts (connect), so each sees runStart.
  const run$ = connectable(events$);
  const recorder = new RunRecorder(runDir);
  recorder.attach(run$);
  dash = await startDashboard({ runsDir: join(root, 'runs'), cacheDir: join(root, 'cache'), events$: run$ });
  const ended = lastValueFrom(run$);
  run$.connect();
  await ended;
  await recorder.done();
  expect(dash.liveRuns()).toEqual(['fit-1']);
  const types = (await readFile(join(runDir, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).type);
  expect(types[0]).toBe('runStart');
  expect(types.filter((t) => t === 'batchEnd')).toHaveLength(4);
  expect(types.filter((t) => t === 'epochEnd')).toHaveLength(2);
  expect(types).toContain('checkpoint');
  expect(types.at(-1)).toBe('runEnd');
  const cam = await getJson(dash, '/api/runs/fit-1/heatmap/abnormal-1/heat.nii');
  expect(cam.status).toBe(200);
  await dash.close();

  dash = await startDashboard({ runsDir: join(root, 'runs') });
  const runs = (await getJson(dash, '/api/runs')).body as { name: string; source: string; events: number }[];
  expect(runs).toEqual([
    { name: 'fit-1', live: false, source: 'events.jsonl', finished: true, events: types.length },
  ]);
}, 60_000);
