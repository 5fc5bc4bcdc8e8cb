import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/ct3d.js', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function ct3d(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, CI: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// The user's path end to end at a tiny size: synth -> ingest (one bad file) -> train -> evaluate -> predict.
describe('ct3d CLI', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints usage for unknown commands and bad flags', async () => {
    const unknown = await ct3d('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const bad = await ct3d('ingest', 'x', '--out', 'y', '--size', '12xfoo');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--size must look like WxHxD');
  });

  it('synthesizes, ingests (reporting a corrupt scan), trains, evaluates and predicts', async () => {
    const data = join(dir, 'data');
    const cache = join(dir, 'cache');
    const runDir = join(dir, 'run');
    const synth = await ct3d(
      'synth',
      data,
      '--per-class',
      '3',
      '--size',
      '48',
      '--slices',
      '8:10',
      '--seed',
      '1',
    );
    expect(synth.code).toBe(0);
    expect(synth.stdout).toContain('wrote 6 synthetic scans');
    await writeFile(join(data, 'CT-0', 'broken.nii.gz'), Buffer.from('not a gzip file'));

    const ingest = await ct3d(
      'ingest',
      data,
      '--out',
      cache,
      '--size',
      '24x24x16',
      '--workers',
      '1',
      '--json',
    );
    expect(ingest.code).toBe(1);
    expect(ingest.stderr).toMatch(/broken\.nii\.gz: .+/);
    const summary = JSON.parse(ingest.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(summary.ingested).toBe(6);
    expect(summary.failed).toHaveLength(1);
    const manifest = JSON.parse(await readFile(join(cache, 'manifest.json'), 'utf8'));
    expect(manifest.entries).toHaveLength(6);

    const train = await ct3d(
      'train',
      '--cache',
      cache,
      '--run',
      runDir,
      '--epochs',
      '2',
      '--filters',
      '2,2',
      '--backend',
      'cpu',
      '--workers',
      '1',
    );
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/Epoch 2\/2\n\d+\/\d+ - \d+s - .*val_loss: [\d.]+ - val_auc: /);
    const history = JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8'));
    expect(history.val_loss).toHaveLength(2);

    const evaluation = await ct3d('evaluate', '--run', runDir, '--cache', cache, '--set', 'val', '--json');
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const metrics = JSON.parse(evaluation.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(metrics.scans).toBe(2);
    expect(metrics.acc).toBeGreaterThanOrEqual(0);

    const scan = join(data, 'CT-23', manifest.entries.at(-1).source.split('/').at(-1));
    const predict = await ct3d('predict', scan, '--run', runDir);
    expect(predict.code, predict.stderr).toBe(0);
    const lines = predict.stdout.trim().split('\n').slice(-2);
    expect(lines[0]).toMatch(/^This model is \d+\.\d\d percent confident that CT scan is normal$/);
    expect(lines[1]).toMatch(/^This model is \d+\.\d\d percent confident that CT scan is abnormal$/);
    const [p0, p1] = lines.map((l) => Number(l.split(' ')[3]));
    expect(p0 + p1).toBeCloseTo(100, 1);

    const missing = await ct3d('predict', join(dir, 'nope.nii.gz'), '--run', runDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.nii.gz');
  }, 180_000);
});
