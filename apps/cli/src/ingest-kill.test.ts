// `ct3d ingest` killed with SIGKILL part-way, then run again: every scan cached exactly once, nothing torn.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti } from '@ct3d/io/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, ct3dNodeArgs, runNode } from './test-support.js';

const env = { ...process.env, CI: '1' };
const ct3d = (...args: string[]): Promise<CliResult> => runNode(ct3dNodeArgs(args), env);

interface Manifest {
  entries: { id: string; file: string }[];
}

async function manifestEntries(cache: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(join(cache, 'manifest.json'), 'utf8')) as Manifest).entries.length;
  } catch {
    return 0; // not written yet
  }
}

describe('ct3d ingest after SIGKILL', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-cli-ingest-kill-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a rerun caches every scan exactly once and leaves no temp file', async () => {
    const data = join(dir, 'data');
    const cache = join(dir, 'cache');
    const synth = await ct3d('synth', data, '--per-class', '6', '--size', '160', '--slices', '30:36');
    expect(synth.code, synth.stderr).toBe(0);
    const child = spawn(
      process.execPath,
      ct3dNodeArgs(['ingest', data, '--out', cache, '--size', '64x64x48', '--workers', '1']),
      { env, stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_c, sig) => resolve(sig)),
    );
    // Killed once the manifest records a first scan, while the others are still being processed.
    while ((await manifestEntries(cache)) === 0) {
      if (child.exitCode !== null) throw new Error(`ingest exited (${child.exitCode}) before any scan`);
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = await manifestEntries(cache);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(12);

    const again = await ct3d('ingest', data, '--out', cache, '--size', '64x64x48', '--workers', '1');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/ingested \d+, already cached (\d+), failed 0/);
    const cached = Number(/already cached (\d+)/.exec(again.stdout + again.stderr)?.[1]);
    expect(cached).toBeGreaterThanOrEqual(before);
    const manifest = JSON.parse(await readFile(join(cache, 'manifest.json'), 'utf8')) as Manifest;
    expect(new Set(manifest.entries.map((e) => e.id)).size).toBe(12);
    expect(manifest.entries).toHaveLength(12);
    const names = await readdir(cache);
    expect(names.filter((n) => n.endsWith('.tmp') || n.startsWith('.'))).toEqual([]);
    for (const e of manifest.entries) {
      expect((await readNifti(join(cache, e.file))).shape).toEqual([64, 64, 48]);
    }
  }, 180_000);
});
