import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeStage, seedRecipe } from '@ct3d/augment';
import { createRng } from '@ct3d/core';
import { decodeNifti } from '@ct3d/io';
import { buildSeedModel, explain, interactiveExplanation, saveModel } from '@ct3d/model';
import { RunRecorder, type TrainEvent } from '@ct3d/train';
import { type Observable, Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Dashboard, type DashboardEvent, type EventRecord, startDashboard } from './index.js';
import { fakeRunStart, fakeStepEvents, writeTinyCache } from './test-helpers.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path sent exactly as given (fetch would normalise `..` away). */
function get(d: Dashboard, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: d.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads SSE `id`s until `count` data events arrived, then drops the connection. */
function sseIds(
  d: Dashboard,
  path: string,
  count: number,
  headers: Record<string, string> = {},
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: d.port, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
        const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
        if (ids.length >= count) {
          req.destroy();
          resolve(ids);
        }
      });
    });
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
    req.end();
  });
}

let root: string;
let dash: Dashboard | undefined;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-dash-'));
  await mkdir(join(root, 'runs'));
  await writeTinyCache(join(root, 'cache'));
});
afterEach(async () => {
  await dash?.close();
  dash = undefined;
  await rm(root, { recursive: true, force: true });
});

describe('event stream', () => {
  it('catches up from Last-Event-ID, continues live, and replays the events.jsonl the recorder wrote', async () => {
    const events$ = new Subject<TrainEvent | EventRecord>();
    const recorder = new RunRecorder(join(root, 'runs', 'r1'));
    recorder.attach(events$ as Observable<TrainEvent>);
    dash = await startDashboard({ runsDir: join(root, 'runs'), events$, liveRun: 'r1' });
    events$.next(fakeRunStart(2, 2));
    for (let n = 1; n <= 2; n++) for (const e of fakeStepEvents(n, 2)) events$.next(e);
    // ids so far: 0 runStart, 1 batch, 2 batch, 3 epochEnd, 4 checkpoint
    const pending = sseIds(dash, '/api/runs/r1/events', 3, { 'last-event-id': '2' });
    setTimeout(() => events$.next({ type: 'batchEnd', loss: 0.1 }), 50);
    expect(await pending).toEqual([3, 4, 5]);
    expect(await sseIds(dash, '/api/runs/r1/events?since=4', 1)).toEqual([5]);
    events$.next({ type: 'runEnd', ms: 1 });
    events$.complete();
    await recorder.done();
    const lines = (await readFile(join(root, 'runs', 'r1', 'events.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(7);
    await dash.close();

    dash = await startDashboard({ runsDir: join(root, 'runs') });
    const runs = JSON.parse((await get(dash, '/api/runs')).body.toString());
    expect(runs).toEqual([{ name: 'r1', live: false, source: 'events.jsonl', finished: true, events: 7 }]);
    const log = JSON.parse((await get(dash, '/api/runs/r1/log')).body.toString());
    expect(log.map((s: { event: DashboardEvent }) => s.event.type)).toEqual([
      'runStart',
      'batchEnd',
      'batchEnd',
      'epochEnd',
      'checkpoint',
      'batchEnd',
      'runEnd',
    ]);
    const sse = await get(dash, '/api/runs/r1/events?since=5');
    expect(sse.body.toString()).toMatch(/id: 6\ndata: \{"type":"runEnd","ms":1\}\n\nevent: end/);
  });

  it('replays a run that has only history.json and metrics.json', async () => {
    const dir = join(root, 'runs', 'keras');
    await mkdir(dir);
    await writeFile(join(dir, 'history.json'), JSON.stringify({ loss: [0.7, 0.6], val_acc: [0.5, 0.75] }));
    await writeFile(join(dir, 'metrics.json'), JSON.stringify({ auc: 0.8 }));
    dash = await startDashboard({ runsDir: join(root, 'runs') });
    const log = JSON.parse((await get(dash, '/api/runs/keras/log')).body.toString());
    expect(log.map((s: { event: DashboardEvent }) => s.event)).toEqual([
      { type: 'runStart', epochs: 2, replayedFrom: 'history.json' },
      { type: 'epochEnd', epoch: 1, logs: { loss: 0.7, val_acc: 0.5 } },
      { type: 'epochEnd', epoch: 2, logs: { loss: 0.6, val_acc: 0.75 } },
      { type: 'runEnd', metrics: { auc: 0.8 } },
    ]);
  });
});

describe('cross-validation runs', () => {
  it('lists each fold-i/ folder of a run as "<run>/fold-i" and serves its log', async () => {
    for (const fold of [2, 1, 10]) {
      const dir = join(root, 'runs', 'cv', `fold-${fold}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'history.json'), JSON.stringify({ val_auc: [0.5 + fold / 100] }));
    }
    await mkdir(join(root, 'runs', 'cv', 'notes'));
    await writeFile(join(root, 'runs', 'cv', 'notes', 'history.json'), '{"loss":[1]}');
    dash = await startDashboard({ runsDir: join(root, 'runs') });
    const runs = JSON.parse((await get(dash, '/api/runs')).body.toString());
    expect(runs.map((r: { name: string }) => r.name)).toEqual(['cv/fold-1', 'cv/fold-2', 'cv/fold-10']);
    const log = JSON.parse((await get(dash, '/api/runs/cv%2Ffold-2/log')).body.toString());
    expect(log[1].event).toEqual({ type: 'epochEnd', epoch: 1, logs: { val_auc: 0.52 } });
    expect((await get(dash, '/api/runs/cv%2Ffold-2/files/history.json')).status).toBe(200);
    expect((await get(dash, '/api/runs/cv%2Fnotes/log')).status).toBe(403);
    expect((await get(dash, '/api/runs/%2e%2e%2Ffold-1/log')).status).toBe(403);
  });
});

describe('file serving refuses paths out of the given folders', () => {
  beforeEach(async () => {
    await mkdir(join(root, 'runs', 'a'));
    await writeFile(join(root, 'runs', 'a', 'history.json'), '{"loss":[1]}');
    await writeFile(join(root, 'secret.json'), '{"secret":true}');
    await symlink(join(root, 'secret.json'), join(root, 'runs', 'a', 'link.json'));
    await symlink(root, join(root, 'runs', 'escape'));
    dash = await startDashboard({ runsDir: join(root, 'runs'), cacheDir: join(root, 'cache') });
  });

  it('serves a file inside a run', async () => {
    expect((await get(dash!, '/api/runs/a/files/history.json')).status).toBe(200);
  });

  it.each([
    '/api/runs/a/files/../../secret.json',
    '/api/runs/a/files/%2e%2e/%2e%2e/secret.json',
    '/api/runs/a/files/..%2f..%2fsecret.json',
    '/api/runs/a/files/%2E%2E%5C%2E%2E%5Csecret.json',
    '/api/runs/../secret.json',
    '/api/runs/%2e%2e/files/secret.json',
    '/api/runs/a/files//etc/passwd',
    '/api/runs/a/files/%2Fetc%2Fpasswd',
    '/api/runs/a/files/link.json',
    '/api/runs/escape/files/secret.json',
    '/static/../../package.json',
    '/vendor/%2e%2e/package.json',
    '/api/scans/%2e%2e/scan.nii',
    '/viewer/%2e%2e/%2e%2e/package.json',
  ])('%s -> 403/404', async (path) => {
    const res = await get(dash!, path);
    expect([403, 404]).toContain(res.status);
    expect(res.body.toString()).not.toContain('"secret":true');
    expect(res.body.toString()).not.toContain('root:');
  });

  it('refuses a manifest entry whose file points out of the cache', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'cache', 'manifest.json'), 'utf8'));
    manifest.entries.push({ ...manifest.entries[0], id: 'evil', file: '../secret.json' });
    await writeFile(join(root, 'cache', 'manifest.json'), JSON.stringify(manifest));
    // The pipeline's manifest schema refuses the whole manifest, naming the entry (train refuses it too).
    const res = await get(dash!, '/api/scans/evil/scan.nii');
    expect(res.status).toBe(500);
    expect(res.body.toString()).toBe(
      'cache manifest.json: entry 2 (../secret.json): file has a ".." segment (must be inside the cache)\n',
    );
  });
});

describe('binding and tokens', () => {
  it('refuses a non-loopback bind without a token', async () => {
    await expect(startDashboard({ runsDir: join(root, 'runs'), host: '0.0.0.0' })).rejects.toThrow(
      /refusing to listen on 0\.0\.0\.0 without a token/,
    );
  });

  it('with a token, requires it (query, bearer or cookie)', async () => {
    const token = 'test-token-0123456789abcdef';
    dash = await startDashboard({ runsDir: join(root, 'runs'), host: '0.0.0.0', token });
    expect(dash.url).toContain(`?token=${token}`);
    expect((await get(dash, '/api/runs')).status).toBe(401);
    expect((await get(dash, '/api/runs?token=wrong-token-0123456789abc')).status).toBe(401);
    const ok = await get(dash, `/?token=${token}`);
    expect(ok.status).toBe(200);
    const cookie = String(ok.headers['set-cookie']).split(';')[0];
    expect((await get(dash, '/api/runs', { cookie })).status).toBe(200);
    expect((await get(dash, '/api/runs', { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('on loopback, rejects requests for another Host (DNS rebinding)', async () => {
    dash = await startDashboard({ runsDir: join(root, 'runs') });
    expect((await get(dash, '/api/runs', { host: 'evil.example:80' })).status).toBe(403);
    expect((await get(dash, '/api/runs', { host: `localhost:${dash.port}` })).status).toBe(200);
  });
});

describe('scans', () => {
  it('lists the cache and sends a scan as NIfTI in HU on its grid, under the cache file’s affine', async () => {
    dash = await startDashboard({ runsDir: join(root, 'runs'), cacheDir: join(root, 'cache') });
    const scans = JSON.parse((await get(dash, '/api/scans')).body.toString());
    expect(scans.map((s: { id: string }) => s.id)).toEqual(['normal-1', 'abnormal-1']);
    const cached = decodeNifti(await readFile(join(root, 'cache', 'scans', 'normal-1.nii')));
    const res = await get(dash, '/api/scans/normal-1/scan.nii');
    expect(res.status).toBe(200);
    const shown = decodeNifti(new Uint8Array(res.body));
    expect(shown.shape).toEqual([32, 32, 12]);
    expect(shown.affine).toEqual(cached.affine);
    // The seed's window read backwards: cache value v in 0..1 is -1000 + 1400 v HU.
    const worst = cached.data.reduce(
      (m, v, n) => Math.max(m, Math.abs(shown.data[n] - (-1000 + 1400 * v))),
      0,
    );
    expect(worst).toBeLessThan(1e-3);
    expect((await get(dash, '/api/scans/normal-1/slice')).status).toBe(404);
    expect((await get(dash, '/api/scans/nope/scan.nii')).status).toBe(404);
  });

  it("reads HU through the cache recipe's own ScaleIntensityRange, and the augmented sample too", async () => {
    const path = join(root, 'cache', 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    const window = { name: 'ScaleIntensityRange', a_min: -1200, a_max: 600, b_min: 0, b_max: 1, clip: true };
    const preprocess = seedRecipe([32, 32, 12]).preprocess.map((e) => (e.name === window.name ? window : e));
    await writeFile(path, JSON.stringify({ ...manifest, recipe: { preprocess } }));
    dash = await startDashboard({ runsDir: join(root, 'runs'), cacheDir: join(root, 'cache') });
    const cached = decodeNifti(await readFile(join(root, 'cache', 'scans', 'abnormal-1.nii')));
    const augmented = composeStage(seedRecipe(), 'augment').apply(cached, createRng(2));
    const shown = decodeNifti(
      new Uint8Array((await get(dash, '/api/scans/abnormal-1/scan.nii?sample=2')).body),
    );
    const worst = augmented.data.reduce(
      (m, v, n) => Math.max(m, Math.abs(shown.data[n] - (-1200 + 1800 * v))),
      0,
    );
    expect(worst).toBeLessThan(1e-3);
    expect(shown.data).not.toEqual(
      decodeNifti(new Uint8Array((await get(dash, '/api/scans/abnormal-1/scan.nii')).body)).data,
    );
  });

  it('serves the heat map of a scan under a run model on the scan’s grid, 404 without a model', async () => {
    await mkdir(join(root, 'runs', 'trained'));
    await writeFile(join(root, 'runs', 'trained', 'history.json'), '{"loss":[1]}');
    const model = buildSeedModel({ width: 32, height: 32, depth: 12, filters: [4], denseUnits: 4, seed: 1 });
    await saveModel(model, join(root, 'runs', 'trained', 'best'));
    await mkdir(join(root, 'runs', 'untrained'));
    dash = await startDashboard({ runsDir: join(root, 'runs'), cacheDir: join(root, 'cache') });
    const res = await get(dash, '/api/runs/trained/heatmap/abnormal-1/heat.nii');
    expect(res.status).toBe(200);
    // The page's heat map for this input size: `ct3d explain`'s default, occlusion with 12-voxel patches.
    expect([res.headers['x-method'], res.headers['x-layer']]).toEqual(['occlusion', 'patch 12']);
    const p = Number(res.headers['x-probability']);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    const heat = decodeNifti(new Uint8Array(res.body));
    const cached = decodeNifti(await readFile(join(root, 'cache', 'scans', 'abnormal-1.nii')));
    expect([heat.shape, heat.affine]).toEqual([cached.shape, cached.affine]);
    const want = await explain(model, cached, interactiveExplanation(cached.shape));
    expect(heat.data).toEqual(want.cam.data);
    expect(Math.max(...heat.data)).toBeGreaterThan(0);
    const none = await get(dash, '/api/runs/untrained/heatmap/abnormal-1/heat.nii');
    expect(none.status).toBe(404);
    expect(none.body.toString()).toMatch(/no best\/model.json or model\/model.json/);
    expect((await get(dash, '/api/runs/trained/heatmap/%2e%2e/heat.nii')).status).toBe(403);
  });

  it("serves @ct3d/web's viewer module (NiiVue bundled in) at /viewer/, nothing beside it", async () => {
    dash = await startDashboard({ runsDir: join(root, 'runs') });
    const res = await get(dash, '/viewer/volume-view.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body.toString()).toMatch(/export\{.*VolumeView/s);
    expect((await get(dash, '/viewer/../app/index.html')).status).toBe(403);
  });
});
