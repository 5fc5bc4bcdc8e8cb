// One test per request class a probe found crashing or leaking: each must get a 4xx/5xx answer, and the
// server must still answer afterwards.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '@ct3d/model';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Dashboard, type DashboardEvent, startDashboard } from './index.js';
import { rawGet, rawRequest } from './raw-http.js';
import { tinySeedModel, writeTinyCache } from './test-helpers.js';

let root: string;
let dash: Dashboard | undefined;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-harden-'));
  await mkdir(join(root, 'runs', 'ok'), { recursive: true });
  await writeFile(join(root, 'runs', 'ok', 'events.jsonl'), '{"type":"runStart"}\n');
  await writeTinyCache(join(root, 'cache'));
});
afterEach(async () => {
  await dash?.close();
  dash = undefined;
  await rm(root, { recursive: true, force: true });
});

async function stillAnswers(d: Dashboard): Promise<void> {
  expect((await rawRequest(d.port, rawGet('/api/runs/ok/log'))).status).toBe(200);
}

describe('requests that crashed or leaked', () => {
  it.each([
    ['http://x:99999/', 400],
    ['http://[::1/', 400],
    ['//', 400],
    ['*', 400],
    ['http://127.0.0.1/api/runs', 400],
    ['/%', 404],
    ['/api/runs/%E0%A4%A/log', 403],
  ])('request target %s -> %i, not a crash', async (target, status) => {
    dash = await startDashboard({ runsDir: join(root, 'runs') });
    const reply = await rawRequest(dash.port, rawGet(target));
    expect(reply.status).toBe(status);
    await stillAnswers(dash);
  });

  it('a malformed percent-encoded token cookie is a 401, not a crash', async () => {
    const token = 'test-token-0123456789abcdef';
    dash = await startDashboard({ runsDir: join(root, 'runs'), host: '0.0.0.0', token });
    for (const cookie of ['%E0%A4%A', '%', '%zz', '%C0%AF%']) {
      const reply = await rawRequest(
        dash.port,
        rawGet('/api/runs', ['Host: 127.0.0.1', `Cookie: ct3d_dashboard_token=${cookie}`]),
      );
      expect(reply.status).toBe(401);
    }
    const ok = await rawRequest(
      dash.port,
      rawGet('/api/runs', ['Host: x', `Authorization: Bearer ${token}`]),
    );
    expect(ok.status).toBe(200);
  });

  it('run files symlinked out of the runs folder are not read', async () => {
    await writeFile(join(root, 'canary.json'), '{"type":"canary-7f3a"}\n');
    await writeFile(join(root, 'canary-history.json'), '{"canary-7f3a":[1]}');
    await mkdir(join(root, 'runs', 'linked'));
    await symlink(join(root, 'canary.json'), join(root, 'runs', 'linked', 'events.jsonl'));
    await mkdir(join(root, 'runs', 'linked-history'));
    await symlink(join(root, 'canary-history.json'), join(root, 'runs', 'linked-history', 'history.json'));
    await writeFile(join(root, 'runs', 'ok', 'history.json'), '{"loss":[1]}');
    await symlink(join(root, 'canary-history.json'), join(root, 'runs', 'ok', 'metrics.json'));
    dash = await startDashboard({ runsDir: join(root, 'runs') });
    for (const target of [
      '/api/runs',
      '/api/runs/linked/log',
      '/api/runs/linked-history/log',
      '/api/runs/linked/events',
      '/api/runs/linked/files/events.jsonl',
    ]) {
      const reply = await rawRequest(dash.port, rawGet(target));
      expect(reply.text).not.toContain('canary-7f3a');
    }
    expect((await rawRequest(dash.port, rawGet('/api/runs/linked/log'))).status).toBe(403);
  });

  it.each([
    ['without a token', undefined],
    ['in token mode', 'link-token-0123456789abcdef'],
  ])('a model folder linked out of the runs folder is served by no route (%s)', async (_, token) => {
    // The probe's case: an ordinary run whose best/ and model/ were replaced by links to a copy outside.
    const run = join(root, 'runs', 'r');
    await mkdir(run);
    await writeFile(join(run, 'history.json'), '{"loss":[1]}');
    await saveModel(tinySeedModel(8), join(run, 'best'));
    const outside = join(root, 'outside-model');
    await cp(join(run, 'best'), outside, { recursive: true });
    await writeFile(join(outside, 'secret.json'), '{"canary":"c4n4ry-9e1d"}');
    await rm(join(run, 'best'), { recursive: true });
    await symlink(outside, join(run, 'best'));
    await symlink(outside, join(run, 'model'));
    // A link that stays inside the runs folder is an ordinary folder to the server.
    await mkdir(join(root, 'runs', 'inside'));
    await writeFile(join(root, 'runs', 'inside', 'history.json'), '{"loss":[1]}');
    await symlink(join(root, 'runs', 'ok'), join(root, 'runs', 'inside', 'best'));
    await saveModel(tinySeedModel(8), join(root, 'runs', 'ok', 'kept'));
    await symlink(join(root, 'runs', 'ok', 'kept'), join(root, 'runs', 'inside', 'model'));
    dash = await startDashboard({ runsDir: join(root, 'runs'), cacheDir: join(root, 'cache'), token });
    const headers = ['Host: 127.0.0.1', ...(token ? [`Authorization: Bearer ${token}`] : [])];
    const get = (target: string) => rawRequest(dash!.port, rawGet(target, headers));
    for (const target of [
      '/runs/r/predict/model/secret.json',
      '/runs/r/predict/model/model.json',
      '/runs/r/predict/model/weights.bin',
      '/runs/r/predict/manifest.json',
      '/api/runs/r/files/best/secret.json',
      '/api/runs/r/files/model/secret.json',
      '/api/runs/r/heatmap/normal-1/heat.nii',
    ]) {
      const reply = await get(target);
      expect([target, reply.status]).toEqual([target, 403]);
      expect(reply.text).not.toContain('c4n4ry-9e1d');
      expect(reply.text).not.toContain(root);
    }
    expect((await get('/runs/inside/predict/model/model.json')).status).toBe(200);
    expect((await get('/api/runs/inside/files/model/model.json')).status).toBe(200);
    expect((await get('/api/runs/r/log')).status).toBe(200);
  });

  it('a FIFO or a device link in a run folder is refused at once (no hang, no endless read)', async () => {
    execFileSync('mkfifo', [join(root, 'runs', 'ok', 'pipe.json')]);
    await symlink('/dev/zero', join(root, 'runs', 'ok', 'zero.json'));
    dash = await startDashboard({ runsDir: join(root, 'runs') });
    expect((await rawRequest(dash.port, rawGet('/api/runs/ok/files/pipe.json'), 3000)).status).toBe(404);
    expect((await rawRequest(dash.port, rawGet('/api/runs/ok/files/zero.json'), 3000)).status).toBe(403);
  });

  it('numeric parameters are bounded: a sample out of range or not plain digits is a 400', async () => {
    dash = await startDashboard({ runsDir: join(root, 'runs'), cacheDir: join(root, 'cache') });
    for (const q of ['sample=-1', 'sample=1000001', 'sample=1e1', 'sample=0x10', 'sample=%201']) {
      const reply = await rawRequest(dash.port, rawGet(`/api/scans/normal-1/scan.nii?${q}`));
      expect([q, reply.status]).toEqual([q, 400]);
      expect(reply.text.length).toBeLessThan(1000);
    }
    expect((await rawRequest(dash.port, rawGet('/api/scans/normal-1/scan.nii?sample=1000000'))).status).toBe(
      200,
    );
  });

  it('a malformed run folder answers 500 naming the run and file, never the path on disk', async () => {
    await mkdir(join(root, 'runs', 'broken'));
    await writeFile(join(root, 'runs', 'broken', 'history.json'), 'garbage{');
    await mkdir(join(root, 'runs', 'torn'));
    await writeFile(join(root, 'runs', 'torn', 'events.jsonl'), 'not json\n{"type":"x"}\n');
    await writeFile(join(root, 'cache', 'scans', 'normal-1.nii'), 'short');
    dash = await startDashboard({ runsDir: join(root, 'runs'), cacheDir: join(root, 'cache') });
    const cases: [string, RegExp][] = [
      ['/api/runs/broken/log', /run broken: history\.json: not valid JSON/],
      ['/api/runs/torn/log', /run torn: events\.jsonl: line 1 is not JSON/],
      ['/api/scans/normal-1/scan.nii', /scans\/normal-1\.nii: truncated/],
      ['/api/runs/nothing-here/log', /no run nothing-here/],
    ];
    for (const [target, message] of cases) {
      const reply = await rawRequest(dash.port, rawGet(target));
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.text).toMatch(message);
      expect(reply.text).not.toContain(root);
    }
    await stillAnswers(dash);
  });

  it('a live event the dashboard cannot store is dropped with a log line; the run goes on', async () => {
    const events$ = new Subject<DashboardEvent>();
    dash = await startDashboard({ runsDir: join(root, 'runs'), events$, liveRun: 'live' });
    const logged: string[] = [];
    const original = console.error;
    console.error = (line: string) => logged.push(line);
    try {
      events$.next({ type: 'runStart' });
      events$.next({ type: 'batchEnd', loss: 10n } as DashboardEvent);
      const cyclic: { type: string; self?: unknown } = { type: 'epochEnd' };
      cyclic.self = cyclic;
      events$.next(cyclic);
      events$.next({ type: 'runEnd' });
      events$.complete();
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      console.error = original;
    }
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^dashboard: live run event \(batchEnd\) dropped: .*BigInt/);
    const log = await rawRequest(dash.port, rawGet('/api/runs/live/log'));
    expect(log.text).toMatch(/"runStart".*"runEnd"/);
  });
});
