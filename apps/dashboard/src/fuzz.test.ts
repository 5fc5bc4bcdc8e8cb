// A few hundred malformed requests (targets, headers, cookies, methods, encodings, raw bytes) sent at a
// dashboard serving a live fit() run: every one gets an answer or a closed socket, the server still answers
// afterwards, and the run finishes with all its events.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type Rng } from '@ct3d/core';
import { phantomBatches } from '@ct3d/test-support';
import { fit, RunRecorder } from '@ct3d/train';
import { connectable, lastValueFrom, share } from 'rxjs';
import { afterEach, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from './index.js';
import { rawGet, rawRequest } from './raw-http.js';
import { tinySeedModel, writeTinyCache } from './test-helpers.js';

const SIDE = 8;
const TOKEN = 'fuzz-token-0123456789abcdef';

const TARGETS = [
  '/',
  '/api/runs',
  '/api/runs/fuzz/log',
  '/api/runs/fuzz/events?since=-5',
  '/api/runs/fuzz/events?since=1e308',
  '/api/runs/fuzz/files/events.jsonl',
  '/api/runs/fuzz/heatmap/normal-1/heat.nii?index=-1',
  '/api/runs/fuzz/heatmap/normal-1/heat.nii/more',
  '/api/scans/normal-1/scan.nii?sample=__proto__',
  '/api/scans/normal-1/scan.nii?sample=99999999999',
  '/api/scans/normal-1/scan.nii?sample=NaN',
  '/api/scans/abnormal-1/scan.nii?sample=-0',
  '/viewer/..%2f..%2fpackage.json',
  '/api/runs/%00/log',
  '/api/runs/%ff%fe/log',
  '/api/runs/..%2f..%2f..%2fetc%2fpasswd/log',
  '/static/%E0%A4%A',
  '/vendor/..%5c..%5cpackage.json',
  '/api/runs/fuzz/files/%2e',
  '/runs/fuzz/predict/model/..%2f..%2fevents.jsonl',
  '/runs/fuzz/predict/model/%2e%2e/run.json',
  '/runs/fuzz%2f..%2f..%2f/predict/manifest.json',
  'http://x:99999/',
  'http://[zz]/',
  'HTTP://127.0.0.1:1/api/runs',
  '*',
  '//evil.example/',
  '/?token=%',
  `/?token=${TOKEN}%`,
];
const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
  'PROPFIND',
  'get',
  'G\u00e9T',
];
const HEADERS = [
  'Host: 127.0.0.1',
  'Host: evil.example',
  'Host: ',
  'Host: [::1]:99999',
  'Cookie: ct3d_dashboard_token=%E0%A4%A',
  `Cookie: ct3d_dashboard_token=${TOKEN}; ct3d_dashboard_token=%`,
  'Cookie: =; ;;; =x',
  'Authorization: Bearer ',
  `Authorization: Bearer ${TOKEN}`,
  'Authorization: Basic %%%',
  'Last-Event-ID: -99999999999999999999',
  'Last-Event-ID: NaN',
  'Accept-Encoding: gzip;q=NaN, *;q=-1',
  'Content-Length: 5',
  'Transfer-Encoding: chunked',
  'Range: bytes=99999999-',
  `X-Long: ${'a'.repeat(9000)}`,
];

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng.next() * list.length) % list.length];

/** Request number `n`: mostly a random method/target/header mix, every 7th raw random bytes. */
function fuzzRequest(rng: Rng, n: number): Buffer {
  if (n % 7 === 0)
    return Buffer.from(
      Array.from({ length: 1 + Math.floor(rng.next() * 200) }, () => Math.floor(rng.next() * 256)),
    );
  const headers = Array.from({ length: 1 + Math.floor(rng.next() * 4) }, () => pick(rng, HEADERS));
  const head = `${pick(rng, METHODS)} ${pick(rng, TARGETS)} HTTP/1.1\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`;
  return Buffer.from(n % 5 === 0 ? `${head}hello` : head, 'latin1');
}

let root: string;
const boards: Dashboard[] = [];
let training: Promise<unknown> = Promise.resolve();
afterEach(async () => {
  await training.catch(() => undefined);
  await Promise.all(boards.map((b) => b.close()));
  boards.length = 0;
  await rm(root, { recursive: true, force: true });
});

it('survives 300 malformed requests while a live run trains to the end', async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-fuzz-'));
  await writeTinyCache(join(root, 'cache'), [SIDE, SIDE, SIDE]);
  const model = tinySeedModel(SIDE);
  const runDir = join(root, 'runs', 'fuzz');
  const events$ = fit({
    model,
    train: () => phantomBatches(SIDE),
    validation: () => phantomBatches(SIDE),
    epochs: 3,
    stepsPerEpoch: 2,
    runDir,
  }).pipe(share());
  const logged: string[] = [];
  const run$ = connectable(events$);
  const recorder = new RunRecorder(runDir);
  recorder.attach(run$);
  const live = await startDashboard({
    runsDir: join(root, 'runs'),
    cacheDir: join(root, 'cache'),
    events$: run$,
  });
  boards.push(live);
  const guarded = await startDashboard({ runsDir: join(root, 'runs'), host: '0.0.0.0', token: TOKEN });
  boards.push(guarded);
  const finished = lastValueFrom(run$);
  run$.connect();
  training = finished;
  const rng = createRng(15);
  const statuses = new Map<number, number>();
  const original = console.error;
  console.error = (line: string) => logged.push(line);
  try {
    for (let batch = 0; batch < 15; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          const board = i % 4 === 0 ? guarded : live;
          return rawRequest(board.port, fuzzRequest(rng, batch * 20 + i));
        }),
      );
      for (const r of replies) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  } finally {
    console.error = original;
  }
  // Every request got a status line (or, for bytes that are not HTTP, a closed socket); none a crash.
  expect([...statuses.keys()].every((s) => s === 0 || (s >= 200 && s < 600))).toBe(true);
  expect(statuses.get(400)).toBeGreaterThan(10);
  expect(logged.every((l) => l.startsWith('dashboard: ') && !l.includes('\n'))).toBe(true);
  for (const board of boards) {
    const target = board === guarded ? `/api/runs?token=${TOKEN}` : '/api/info';
    expect((await rawRequest(board.port, rawGet(target))).status).toBe(200);
  }
  const last = await finished;
  expect(last.type).toBe('runEnd');
  await recorder.done();
  const types = (await readFile(join(runDir, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).type);
  expect(types.filter((t) => t === 'epochEnd')).toHaveLength(3);
  expect(types.at(-1)).toBe('runEnd');
}, 120_000);
