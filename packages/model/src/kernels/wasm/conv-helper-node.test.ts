// The conv helper thread's start-up: it runs whatever flags the parent process was started with, and a
// helper that cannot start ends in a one-line error within seconds, never in a hang.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeConvHelper } from './conv-helper-node.js';

const PACKAGE_DIR = fileURLToPath(new URL('../../..', import.meta.url));

/** `node args` in this package's folder; killed after `timeoutMs` (a hang is a failed test, not a stuck run). */
function node(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: PACKAGE_DIR, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err.code as number | null) ?? null) : 0, stdout, stderr }),
    );
  });
}

describe('the conv helper thread under the parent process flags', () => {
  it('`node --input-type=module -e` selects wasm with the helper started (it used to hang for ever)', async () => {
    const script = [
      "import { initBackend, setConvThreads } from '@ct3d/model';",
      'setConvThreads(2);',
      "const c = await initBackend('wasm');",
      'console.log(JSON.stringify({ name: c.name, detail: c.detail, warning: c.warning ?? null }));',
    ].join('\n');
    const r = await node(['--import', 'tsx', '--input-type=module', '-e', script], 50_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
    expect(got).toMatchObject({ name: 'wasm', warning: null });
    expect(got.detail).toMatch(/^tfjs-backend-wasm with fast 3D kernels, probe error/);
  });
});

describe('a helper thread that cannot start', () => {
  let dir: string;
  const entry = (name: string) => pathToFileURL(join(dir, name));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-conv-helper-'));
    await writeFile(join(dir, 'throws.mjs'), "throw new Error('broken at start-up');\n");
    await writeFile(join(dir, 'exits.mjs'), 'process.exit(3);\n');
    await writeFile(join(dir, 'silent.mjs'), 'setInterval(() => {}, 1000);\n');
    await writeFile(join(dir, 'imports-missing.mjs'), "import './not-there.mjs';\n");
    // Starts as the conv worker does (ctrl[1] = 1), then dies on its first job.
    await writeFile(
      join(dir, 'dies-on-job.mjs'),
      [
        "import { parentPort, workerData } from 'node:worker_threads';",
        'const ctrl = new Int32Array(workerData.ctrlSab);',
        'Atomics.store(ctrl, 1, 1);',
        'Atomics.notify(ctrl, 1);',
        'parentPort.on("message", () => process.exit(7));',
      ].join('\n'),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['throws.mjs', /^conv helper thread failed to start: Error: broken at start-up$/],
    ['exits.mjs', /^conv helper thread failed to start: the thread exited with code 3$/],
    [
      'imports-missing.mjs',
      /^conv helper thread failed to start: Error \[ERR_MODULE_NOT_FOUND\]: Cannot find module '.*not-there\.mjs'/,
    ],
    ['silent.mjs', /^conv helper thread failed to start: no answer within 0\.5 s$/],
  ])('ready() rejects with one line when its module is %s', async (file, message) => {
    const helper = startNodeConvHelper(entry(file), 500);
    try {
      const err = await helper.ready().then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(message);
      expect(err?.message).not.toContain('\n');
    } finally {
      await helper.dispose();
    }
  });

  it.each([
    ['throws.mjs', /^conv helper thread failed during start-up: Error: broken at start-up$/],
    ['exits.mjs', /^conv helper thread failed during start-up: the thread exited with code 3$/],
    ['silent.mjs', /^conv helper thread: no answer during start-up within 0\.5 s$/],
  ])(
    'the first job, blocking without ready(), throws one line when its module is %s',
    async (file, message) => {
      const helper = startNodeConvHelper(entry(file), 500);
      try {
        expect(() => helper.post({ kind: 'forward', geom: {}, pool: 2 })).toThrow(message);
      } finally {
        await helper.dispose();
      }
    },
  );

  it('a helper that dies during a job ends the blocked wait with one line', async () => {
    const helper = startNodeConvHelper(entry('dies-on-job.mjs'), 10_000);
    try {
      await helper.ready();
      helper.buffer(8);
      helper.post({ kind: 'forward', geom: {}, pool: 2 });
      expect(() => helper.wait('forward')).toThrow(
        /^conv helper thread failed during forward: the thread exited with code 7$/,
      );
    } finally {
      await helper.dispose();
    }
  });

  it('the real conv worker starts and reports ready', async () => {
    const helper = startNodeConvHelper();
    try {
      await expect(helper.ready()).resolves.toBeUndefined();
    } finally {
      await helper.dispose();
    }
  });
});
