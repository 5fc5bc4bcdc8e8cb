// Ingest benchmark (not a test): times ct3d's ingest (read + decode + preprocess + cache write) with 1 and 2
// workers on the same scans, then the seed's nibabel+scipy pipeline (../shared/bench/seed_pipeline.py) as the
// peer, and prints one JSON object a line plus the ratios.
//   pnpm bench:ingest [--scans 8] [--data DIR] [--size 128x128x64] [--no-peer] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverScans, writeSyntheticDataset } from '../packages/io/src/index.js';
import {
  createWorkerPool,
  type IngestEvent,
  ingest,
  type ScanEntry,
  type WorkerPool,
} from '../packages/pipeline/src/index.js';

type Shape3 = [number, number, number];
interface Opts {
  scans: number;
  data?: string;
  size: Shape3;
  peer: boolean;
  keep: boolean;
}

const PYTHON = '/usr/bin/python3';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const peerScript = resolve(repoRoot, '../shared/bench/seed_pipeline.py');
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function parseArgs(argv: string[]): Opts {
  const o: Opts = { scans: 8, size: [128, 128, 64], peer: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench/ingest.ts: ${a} needs a value`);
      return v;
    };
    if (a === '--scans') o.scans = Number(next());
    else if (a === '--data') o.data = resolve(next());
    else if (a === '--size') {
      const s = next().split('x').map(Number);
      if (s.length !== 3 || s.some((v) => !Number.isInteger(v) || v < 1)) {
        throw new Error(`bench/ingest.ts: --size wants WxHxD, got ${argv[i]}`);
      }
      o.size = s as Shape3;
    } else if (a === '--no-peer') o.peer = false;
    else if (a === '--keep') o.keep = true;
    else throw new Error(`bench/ingest.ts: unknown option ${a}`);
  }
  if (!Number.isInteger(o.scans) || o.scans < 1)
    throw new Error(`bench/ingest.ts: --scans wants an integer >= 1`);
  return o;
}

/** One ingest into a fresh cache dir; returns its done event. */
async function ingestOnce(scans: ScanEntry[], size: Shape3, pool: WorkerPool, work: string) {
  const cacheDir = await mkdtemp(join(work, 'cache-'));
  // (rxjs is the pipeline's dependency, not the repo root's: subscribe directly instead of lastValueFrom.)
  const stageMs: Record<string, number> = {};
  const last = await new Promise<IngestEvent | undefined>((res, rej) => {
    let latest: IngestEvent | undefined;
    ingest({ scans, cacheDir, size, pool }).subscribe({
      next: (e) => {
        latest = e;
        if (e.type === 'scanDone' && e.stages) {
          for (const [k, v] of Object.entries(e.stages)) stageMs[k] = (stageMs[k] ?? 0) + v;
        }
      },
      error: rej,
      complete: () => res(latest),
    });
  });
  if (last?.type !== 'done') throw new Error(`ingest ended with ${last?.type}, not done`);
  if (last.failed.length > 0) throw new Error(`ingest failed scans: ${JSON.stringify(last.failed)}`);
  const perScan = Object.fromEntries(
    Object.entries(stageMs).map(([k, v]) => [k, round(v / last.ingested, 1)]),
  );
  return { ...last, stageMsPerScan: perScan };
}

/** Cold (pool start included) and warm (same pool, fresh cache) runs with `workers` threads. */
async function benchCt3d(scans: ScanEntry[], size: Shape3, workers: number, work: string) {
  const t0 = performance.now();
  const pool = createWorkerPool({ workers });
  try {
    const cold = await ingestOnce(scans, size, pool, work);
    const coldS = (performance.now() - t0) / 1000;
    const cpu0 = process.cpuUsage(); // this process: main thread + workers
    const warm = await ingestOnce(scans, size, pool, work);
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const result = {
      impl: 'ct3d',
      workers,
      scans: warm.ingested,
      size: size.join('x'),
      cold_wall_s: round(coldS, 2),
      cold_scans_per_s: round(cold.ingested / coldS),
      wall_s: round(warm.wallMs / 1000, 2),
      scans_per_s: round(warm.scansPerSec),
      cpu_s: round(cpuS, 2),
      cpu_s_per_scan: round(cpuS / warm.ingested),
      worker_ms_per_scan: warm.stageMsPerScan,
    };
    print(result);
    return result;
  } finally {
    await pool.close();
  }
}

interface PeerResult {
  scans: number;
  wall_s: number;
  scans_per_s: number;
  read_s: number;
  preprocess_s: number;
  augment_s: number;
  /** User+system CPU seconds of the python process (bash `times`), whole run incl. startup and augment. */
  cpu_s: number;
}

/** The seed's Python pipeline on the same files, or why it could not run. */
function runPeer(dataDir: string, size: Shape3): PeerResult | undefined {
  const notRun = (reason: string) => {
    print({ peer: 'seed (nibabel+scipy)', ran: false, reason });
    return undefined;
  };
  if (!existsSync(peerScript)) return notRun(`${peerScript} not found (no ../shared next to the repo)`);
  if (!existsSync(PYTHON)) return notRun(`${PYTHON} not found`);
  const deps = spawnSync(PYTHON, ['-c', 'import nibabel, scipy, numpy'], { encoding: 'utf8' });
  if (deps.status !== 0) {
    return notRun(
      `python deps missing (apt-get install -y python3-nibabel python3-scipy): ${deps.stderr.trim().split('\n').at(-1)}`,
    );
  }
  // Through bash so `times` can report the child's CPU time (load on a shared machine inflates wall time).
  const r = spawnSync(
    '/bin/bash',
    ['-c', '"$0" "$@"; rc=$?; times; exit $rc', PYTHON, peerScript, dataDir, '--size', ...size.map(String)],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } },
  );
  if (r.status !== 0) {
    return notRun(`seed_pipeline.py exited ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
  }
  const lines = r.stdout.trim().split('\n');
  const json = lines.find((l) => l.startsWith('{'));
  if (!json) return notRun(`seed_pipeline.py printed no JSON: ${r.stdout.slice(0, 200)}`);
  const peer = {
    ...(JSON.parse(json) as Omit<PeerResult, 'cpu_s'>),
    cpu_s: childCpuSeconds(lines.at(-1) ?? ''),
  };
  // The peer also times one rotation per scan; ct3d's ingest does not augment, so compare read+preprocess.
  const prepS = peer.read_s + peer.preprocess_s;
  print({
    ...peer,
    impl: 'seed',
    ran: true,
    read_preprocess_scans_per_s: round(peer.scans / prepS),
    cpu_s_per_scan: round(peer.cpu_s / peer.scans),
  });
  return peer;
}

/** bash `times` children line "0m52.123s 0m1.234s" -> user + system seconds. */
function childCpuSeconds(line: string): number {
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (parts.length !== 2) throw new Error(`cannot parse bash times output: ${line}`);
  return parts[0] + parts[1];
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const work = await mkdtemp(join(tmpdir(), 'ct3d-bench-ingest-'));
  try {
    let dataDir = o.data;
    if (!dataDir) {
      dataDir = join(work, 'data');
      const t = performance.now();
      const perClass = Math.ceil(o.scans / 2);
      await writeSyntheticDataset(dataDir, { perClass, size: 512, slices: [36, 44], seed: 1 });
      print({
        synthesized: perClass * 2,
        dir: dataDir,
        voxels: '512x512x36..44 int16',
        s: round((performance.now() - t) / 1000, 2),
      });
    }
    const { scans } = await discoverScans(dataDir);
    if (scans.length === 0) throw new Error(`${dataDir}: no scans found`);
    print({
      bench: 'ingest',
      scans: scans.length,
      size: o.size.join('x'),
      cpus: availableParallelism(),
      loadavg: loadavg().map((l) => round(l, 2)),
    });

    const one = await benchCt3d(scans, o.size, 1, work);
    const two = await benchCt3d(scans, o.size, 2, work);
    const peer = o.peer ? runPeer(dataDir, o.size) : undefined;
    const ratios: Record<string, number | string> = {
      workers2_over_workers1: round(two.scans_per_s / one.scans_per_s, 2),
    };
    if (peer) {
      ratios.ct3d_1worker_over_seed_preprocess = round(
        one.scans_per_s / (peer.scans / (peer.read_s + peer.preprocess_s)),
        2,
      );
      ratios.ct3d_1worker_over_seed_total = round(one.scans_per_s / peer.scans_per_s, 2);
      // Per core: CPU seconds per scan (the peer's includes python startup and one rotation per scan).
      ratios.seed_cpu_per_scan_over_ct3d_1worker = round(peer.cpu_s / peer.scans / one.cpu_s_per_scan, 2);
    } else {
      ratios.ct3d_1worker_over_seed_preprocess = 'peer not run';
    }
    print({ ratios, loadavg_after: loadavg().map((l) => round(l, 2)) });
  } finally {
    if (o.keep) print({ kept: work });
    else await rm(work, { recursive: true, force: true });
  }
}

await main();
