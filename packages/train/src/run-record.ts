import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { arch, cpus, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getConvThreads, tf } from '@ct3d/model';
import type { CacheManifest } from '@ct3d/pipeline';
import { RNG_NOTES } from './rng-notes.js';

export { RNG_NOTES } from './rng-notes.js';

/** run.json's `reproduce`: versions, backend, seeds and RNG notes, the data's manifest hash, resumes. */
export interface ReproducibilityRecord {
  recordVersion: 1;
  ct3d: {
    version: string | null;
    packages: Record<string, string>;
    commit: string | null;
    dirty: boolean | null;
  };
  /** convThreads: the wasm conv kernels' threads (absent in runs recorded before it). */
  tfjs: { core: string; layers: string; backend: string; convThreads?: number };
  seeds: { init: number; shuffleAugment: number; split: number | null };
  rng: typeof RNG_NOTES;
  /** manifestHash: the cache manifest's ('' for a run trained in a browser tab: it has no cache). */
  data: { manifestHash: string; entries: number; size: [number, number, number] };
  platform: { node: string; os: string; release: string; arch: string; cpu: string; cores: number };
  /** One entry per `--resume` of this run. */
  resumes: ResumeRecord[];
}

/** One `--resume` of a run. */
export interface ResumeRecord {
  at: string;
  /** Last finished epoch the run continued from (0: no checkpoint yet, restarted from epoch 1). */
  fromEpoch: number;
  /** The cache it read (may have moved; its manifest hash was checked). */
  cacheDir: string;
  backend: string;
  node: string;
}

/**
 * SHA-256 of what training reads from a cache: its size and every entry's id, label, sourceHash and shape,
 * sorted by id (so ingest order and unrelated fields like mtimes do not matter).
 */
export function manifestHash(manifest: Pick<CacheManifest, 'size' | 'entries'>): string {
  const entries = manifest.entries
    .map((e) => [e.id, e.label, e.sourceHash, e.shape] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify({ size: manifest.size, entries }))
    .digest('hex');
}

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Versions of the workspace packages when running from the repository (else just @ct3d/train's). */
async function packageVersions(): Promise<{ root: string | null; packages: Record<string, string> }> {
  const packages: Record<string, string> = {};
  const add = (pkg: Record<string, unknown> | null): void => {
    if (pkg && typeof pkg.name === 'string' && typeof pkg.version === 'string')
      packages[pkg.name] = pkg.version;
  };
  add(await readJson(join(here, '..', 'package.json')));
  const root = join(here, '..', '..', '..');
  const rootPkg = await readJson(join(root, 'package.json'));
  if (rootPkg?.name !== 'ct3d') return { root: null, packages };
  for (const group of ['packages', 'apps']) {
    const dirs = await readdir(join(root, group)).catch(() => [] as string[]);
    for (const d of dirs.sort()) add(await readJson(join(root, group, d, 'package.json')));
  }
  return { root, packages };
}

async function gitState(root: string | null): Promise<{ commit: string | null; dirty: boolean | null }> {
  if (!root) return { commit: null, dirty: null };
  try {
    const opts = { cwd: root, timeout: 5000 };
    const head = await exec('git', ['rev-parse', 'HEAD'], opts);
    const status = await exec('git', ['status', '--porcelain', '--untracked-files=no'], opts);
    return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== '' };
  } catch {
    return { commit: null, dirty: null };
  }
}

export interface RecordInputs {
  manifest: Pick<CacheManifest, 'size' | 'entries'>;
  seed: number;
  splitSeed: number | null;
  backend: string;
}

/** Everything beyond the settings and the split that a later reader needs to reproduce a run. */
export async function reproducibilityRecord(inputs: RecordInputs): Promise<ReproducibilityRecord> {
  const { root, packages } = await packageVersions();
  const cli = packages['@ct3d/cli'] ?? packages['@ct3d/train'] ?? null;
  const cpuList = cpus();
  return {
    recordVersion: 1,
    ct3d: { version: cli, packages, ...(await gitState(root)) },
    tfjs: {
      core: tf.version_core,
      layers: tf.version_layers,
      backend: inputs.backend,
      ...(inputs.backend === 'wasm' && { convThreads: getConvThreads() }),
    },
    seeds: { init: inputs.seed, shuffleAugment: inputs.seed, split: inputs.splitSeed },
    rng: RNG_NOTES,
    data: {
      manifestHash: manifestHash(inputs.manifest),
      entries: inputs.manifest.entries.length,
      size: inputs.manifest.size,
    },
    platform: {
      node: process.version,
      os: platform(),
      release: release(),
      arch: arch(),
      cpu: cpuList[0]?.model.trim() ?? 'unknown',
      cores: cpuList.length,
    },
    resumes: [],
  };
}
