// Ingest benchmark (not a test). On the same MosMed-like scans (512x512x36..44 int16 .nii.gz, synthesized
// unless --data):
//  1. where a scan's time goes: ct3d's worker stages (read, hash, decode = gunzip + voxels, preprocess, write)
//     on one warm worker, over the first --profile scans;
//  2. whole processes, interleaved --reps times: `ct3d ingest --workers N` (start-up included) and the
//     PyTorch-style peer (../shared/bench/torch_preprocess.py, nibabel + torch, 1 thread), wall and CPU;
//     medians and the per-core ratios last. --seed-peer adds the seed's nibabel + scipy pipeline (slow).
//   pnpm bench:ingest [--scans 50] [--data DIR] [--size 128x128x64] [--reps 3] [--workers 1,2] [--profile 16]
//                     [--no-peer] [--seed-peer] [--keep]
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverScans } from '../packages/io/src/dataset.js';
import { gunzipBounded } from '../packages/io/src/gunzip.js';
import { claimedNiftiSize, DEFAULT_MAX_BYTES, decodeNifti, encodeNifti } from '../packages/io/src/index.js';
import { writeSyntheticDataset } from '../packages/io/src/synthetic/index.js';
import {
  createWorkerPool,
  type IngestEvent,
  ingest,
  type ScanEntry,
} from '../packages/pipeline/src/index.js';
import { processScan } from '../packages/preprocess/src/index.js';
import { runSeedPeer } from './ingest-seed-peer.js';
import {
  ct3dWhole,
  median,
  type Shape3,
  torchPeerMissing,
  torchWhole,
  type WholeRun,
} from './ingest-whole.js';

interface Opts {
  scans: number;
  data?: string;
  size: Shape3;
  reps: number;
  workers: number[];
  profile: number;
  peer: boolean;
  seedPeer: boolean;
  keep: boolean;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => loadavg().map((l) => round(l, 2));

function parseArgs(argv: string[]): Opts {
  const o: Opts = {
    scans: 50,
    size: [128, 128, 64],
    reps: 3,
    workers: [1, 2],
    profile: 16,
    peer: true,
    seedPeer: false,
    keep: false,
  };
  const int = (a: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`bench/ingest.ts: ${a} wants an integer >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench/ingest.ts: ${a} needs a value`);
      return v;
    };
    if (a === '--scans') o.scans = int(a, next(), 1);
    else if (a === '--data') o.data = resolve(next());
    else if (a === '--reps') o.reps = int(a, next(), 1);
    else if (a === '--profile') o.profile = int(a, next(), 0);
    else if (a === '--workers')
      o.workers = next()
        .split(',')
        .map((w) => int(a, w, 1));
    else if (a === '--size') {
      const s = next().split('x').map(Number);
      if (s.length !== 3 || s.some((v) => !Number.isInteger(v) || v < 1)) {
        throw new Error(`bench/ingest.ts: --size wants WxHxD, got ${argv[i]}`);
      }
      o.size = s as Shape3;
    } else if (a === '--no-peer') o.peer = false;
    else if (a === '--seed-peer') o.seedPeer = true;
    else if (a === '--keep') o.keep = true;
    else throw new Error(`bench/ingest.ts: unknown option ${a}`);
  }
  return o;
}

/** Per-stage worker ms per scan: one warm worker (pool started and run once first), fresh cache. */
async function stageProfile(scans: ScanEntry[], size: Shape3, work: string) {
  const pool = createWorkerPool({ workers: 1 });
  try {
    const once = async () => {
      const cacheDir = await mkdtemp(join(work, 'profile-cache-'));
      const stageMs: Record<string, number> = {};
      const cpu0 = process.cpuUsage(); // this process: main thread + the worker
      const last = await new Promise<IngestEvent | undefined>((res, rej) => {
        let latest: IngestEvent | undefined;
        ingest({ scans, cacheDir, size, pool }).subscribe({
          next: (e) => {
            latest = e;
            if (e.type !== 'scanDone' || !e.stages) return;
            for (const [k, v] of Object.entries(e.stages)) stageMs[k] = (stageMs[k] ?? 0) + v;
          },
          error: rej,
          complete: () => res(latest),
        });
      });
      const cpu = process.cpuUsage(cpu0);
      if (last?.type !== 'done' || last.failed.length > 0) {
        throw new Error(`profile ingest did not finish cleanly: ${JSON.stringify(last)}`);
      }
      const n = last.ingested;
      const perScan = Object.fromEntries(Object.entries(stageMs).map(([k, v]) => [k, round(v / n, 1)]));
      return { n, perScan, wallMs: last.wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
    };
    await once(); // warm-up: JIT and page cache
    const r = await once();
    print({
      profile: 'ct3d worker stages, ms per scan (1 warm worker)',
      scans: r.n,
      ...r.perScan,
      wall_ms_per_scan: round(r.wallMs / r.n, 1),
      cpu_ms_per_scan: round(r.cpuMs / r.n, 1),
    });
  } finally {
    await pool.close();
  }
}

/**
 * The worker's decode and preprocess split further, on this thread (CPU ms a scan, second of two passes):
 * gunzip, the rest of decodeNifti (header, voxels), processScan (window + rotate + resize, fused), encode.
 */
async function splitProfile(scans: ScanEntry[], size: Shape3): Promise<void> {
  const sums: Record<string, number> = {};
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let pass = 0; pass < 2; pass++) {
    for (const scan of scans) {
      const bytes = await readFile(scan.path);
      let t = cpuMs();
      const lap = (k: string) => {
        const now = cpuMs();
        if (pass === 1) sums[k] = (sums[k] ?? 0) + now - t;
        t = now;
      };
      gunzipBounded(bytes, scan.path, DEFAULT_MAX_BYTES, claimedNiftiSize(bytes)?.bytes);
      lap('gunzip');
      const volume = decodeNifti(bytes, { name: scan.path });
      lap('decode');
      const out = processScan(volume, { size });
      lap('preprocess');
      encodeNifti(out, { datatype: 'float32' }, 'x.nii');
      lap('encode');
    }
  }
  const n = scans.length;
  print({
    profile: 'split on the main thread, CPU ms per scan (decode includes its own gunzip again)',
    scans: n,
    gunzip: round(sums.gunzip / n, 1),
    decode_after_gunzip: round((sums.decode - sums.gunzip) / n, 1),
    preprocess: round(sums.preprocess / n, 1),
    encode: round(sums.encode / n, 1),
  });
}

async function dataset(o: Opts, work: string): Promise<string> {
  if (o.data) return o.data;
  const dir = join(work, 'data');
  await mkdir(dir);
  const t = performance.now();
  const perClass = Math.ceil(o.scans / 2);
  await writeSyntheticDataset(dir, { perClass, size: 512, slices: [36, 44], seed: 1 });
  print({
    synthesized: perClass * 2,
    voxels: '512x512x36..44 int16',
    s: round((performance.now() - t) / 1000, 2),
  });
  return dir;
}

function summary(runs: WholeRun[]): void {
  const groups = new Map<string, WholeRun[]>();
  for (const r of runs)
    groups.set(`${r.impl}|${r.threads}`, [...(groups.get(`${r.impl}|${r.threads}`) ?? []), r]);
  const med = new Map<string, { perCore: number; perCoreUsed: number }>();
  for (const [key, rs] of groups) {
    const [impl, threads] = key.split('|');
    const m = {
      impl,
      threads: Number(threads),
      runs: rs.length,
      scans: rs[0].scans,
      wall_s: round(median(rs.map((r) => r.wall_s)), 2),
      scans_per_s: round(median(rs.map((r) => r.scans_per_s))),
      scans_per_s_per_core: round(median(rs.map((r) => r.scans_per_s_per_core))),
      cores_used: round(median(rs.map((r) => r.cores_used)), 2),
      scans_per_s_per_core_used: round(median(rs.map((r) => r.scans_per_s_per_core_used))),
      cpu_s_per_scan: round(median(rs.map((r) => r.cpu_s_per_scan)), 4),
    };
    med.set(key, { perCore: m.scans_per_s_per_core, perCoreUsed: m.scans_per_s_per_core_used });
    print({ median: true, ...m });
  }
  const peer = med.get('torch peer|1');
  if (!peer) return;
  const ratios: Record<string, number> = {};
  for (const [key, m] of med) {
    if (!key.startsWith('ct3d')) continue;
    const w = key.split('|')[1];
    // Per core by threads (wall; a loaded machine lends fewer cores than threads) and per core used (CPU).
    ratios[`ct3d_${w}w_per_core_over_peer`] = round(m.perCore / peer.perCore, 2);
    ratios[`ct3d_${w}w_per_core_used_over_peer`] = round(m.perCoreUsed / peer.perCoreUsed, 2);
  }
  print({ ratios, loadavg_after: load() });
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), 'ct3d-bench-ingest-'));
  try {
    const dataDir = await dataset(o, work);
    const { scans } = await discoverScans(dataDir);
    if (scans.length === 0) throw new Error(`${dataDir}: no scans found`);
    const size = o.size;
    print({
      bench: 'ingest',
      scans: scans.length,
      size: size.join('x'),
      cpus: availableParallelism(),
      loadavg: load(),
    });
    if (o.profile > 0) {
      await stageProfile(scans.slice(0, o.profile), size, work);
      await splitProfile(scans.slice(0, o.profile), size);
    }
    const missing = o.peer ? torchPeerMissing(repoRoot) : 'not asked (--no-peer)';
    if (missing) print({ peer: 'torch_preprocess.py', ran: false, reason: missing });
    const runs: WholeRun[] = [];
    for (let rep = 0; rep < o.reps; rep++) {
      for (const w of o.workers) {
        runs.push(await ct3dWhole(repoRoot, dataDir, scans.length, size, w, work));
        print({ rep, loadavg: load(), ...runs[runs.length - 1] });
      }
      if (missing) continue;
      runs.push(torchWhole(repoRoot, dataDir, scans.length, size));
      print({ rep, loadavg: load(), ...runs[runs.length - 1] });
    }
    summary(runs);
    if (o.seedPeer) runSeedPeer(repoRoot, dataDir, size);
  } finally {
    if (o.keep) print({ kept: work });
    else await rm(work, { recursive: true, force: true });
  }
}

await main();
