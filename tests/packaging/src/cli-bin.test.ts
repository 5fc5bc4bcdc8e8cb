// The packed `ct3d` bin, as `npx ct3d` runs it in a project that installed the tarballs.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runNode } from './run-node.js';

const { dir } = inject('consumer');
const BIN = join('node_modules', '@ct3d', 'cli', 'dist', 'main.js');

/** Runs the bin with a hook that records every module it resolves; returns the run and those URLs. */
async function ct3dTraced(args: string[]): Promise<{ code: number; out: string; modules: string[] }> {
  const trace = join(dir, `trace-${args[0]}.txt`);
  await rm(trace, { force: true });
  const r = await runNode(dir, ['--import', './trace-loads.mjs', BIN, ...args], { CT3D_TRACE_FILE: trace });
  const modules = (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
  return { code: r.code, out: r.stdout + r.stderr, modules };
}

describe('the packed ct3d bin', () => {
  it('is a plain node script (shebang, no tsx)', async () => {
    const text = await readFile(join(dir, BIN), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const viaBin = await runNode(dir, [join('node_modules', '.bin', 'ct3d'), '--help']);
    expect(viaBin.code).toBe(0);
    expect(viaBin.stdout).toMatch(/Usage: ct3d <command>/);
  });

  it('prints its version and help without loading tfjs', async () => {
    const pkg = JSON.parse(await readFile(join(dir, 'node_modules', '@ct3d', 'cli', 'package.json'), 'utf8'));
    const version = await ct3dTraced(['--version']);
    expect([version.code, version.out]).toEqual([0, `${pkg.version}\n`]);
    const help = await ct3dTraced(['train', '--help']);
    expect(help.code, help.out).toBe(0);
    expect(help.out).toContain('--epochs <n>');
    for (const r of [version, help]) expect(r.modules.filter((m) => m.includes('@tensorflow'))).toEqual([]);
  });

  it('synth -> ingest -> train --epochs 1 -> predict; the data commands never load tfjs', async () => {
    const synth = await ct3dTraced(['synth', 'raw', '--per-class', '3', '--size', '96', '--slices', '20:24']);
    expect(synth.code, synth.out).toBe(0);
    const ingest = await ct3dTraced(['ingest', 'raw', '--out', 'cli-cache', '--size', '48x48x48']);
    expect(ingest.code, ingest.out).toBe(0);
    expect(ingest.out).toMatch(/ingested 6, already cached 0, failed 0/);
    const pre = await ct3dTraced(['preprocess', 'raw/CT-0/study_0001.nii.gz', 'one.nii.gz', '--size', '32']);
    expect(pre.code, pre.out).toBe(0);
    const list = await ct3dTraced(['download', '--list']);
    expect(list.code, list.out).toBe(0);
    for (const r of [synth, ingest, pre, list]) {
      expect(r.modules.length).toBeGreaterThan(5);
      expect(r.modules.filter((m) => m.includes('@tensorflow'))).toEqual([]);
    }
    const train = await ct3dTraced([
      'train',
      ...['--cache', 'cli-cache', '--run', 'runs/cli', '--epochs', '1', '--filters', '4,4,8,8'],
    ]);
    expect(train.code, train.out).toBe(0);
    expect(train.out).toMatch(/^backend: wasm \(/m);
    expect(train.out).toMatch(/Epoch 1\/1/);
    expect(train.modules.some((m) => m.includes('@tensorflow/tfjs-backend-wasm'))).toBe(true);
    const scan = join('raw', 'CT-23', 'study_0004.nii.gz');
    const predict = await runNode(dir, [BIN, 'predict', scan, '--run', 'runs/cli']);
    expect(predict.code, predict.stderr).toBe(0);
    expect(predict.stdout).toMatch(/^This model is \d+\.\d\d percent confident that CT scan is normal$/m);
    expect(predict.stdout).toMatch(/^This model is \d+\.\d\d percent confident that CT scan is abnormal$/m);
    expect(predict.stderr).toBe('');
  });
});
