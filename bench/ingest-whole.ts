// Whole-process ingest runs for bench/ingest.ts: `ct3d ingest` and the PyTorch-style peer
// (../shared/bench/torch_preprocess.py), each a fresh process timed from spawn to exit (start-up included),
// its CPU seconds (user + system, all threads) from bash's `times`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

export type Shape3 = [number, number, number];

const PYTHON = '/usr/bin/python3';

export interface WholeRun {
  impl: string;
  /** Threads it computes on: ct3d's workers, the peer's torch threads. */
  threads: number;
  scans: number;
  wall_s: number;
  cpu_s: number;
  scans_per_s: number;
  /** scans/s divided by the cores it can use (min(threads, cpus)). */
  scans_per_s_per_core: number;
  /** CPU seconds / wall seconds: the cores it actually had (less than its threads on a loaded machine). */
  cores_used: number;
  /** scans/s divided by cores_used, i.e. scans per CPU second. */
  scans_per_s_per_core_used: number;
  cpu_s_per_scan: number;
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** bash `times` children line "0m52.123s 0m1.234s" -> user + system seconds. */
export function childCpuSeconds(line: string): number {
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (parts.length !== 2) throw new Error(`cannot parse bash times output: ${line}`);
  return parts[0] + parts[1];
}

/** Runs `cmd args` through bash so `times` reports its CPU; throws with its last stderr line on failure. */
export function timeProcess(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { wall_s: number; cpu_s: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync('/bin/bash', ['-c', '"$0" "$@"; rc=$?; times; exit $rc', cmd, ...args], {
    encoding: 'utf8',
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout).trim().split('\n').at(-1);
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${why}`);
  }
  const lines = r.stdout.trim().split('\n');
  return { wall_s: wall, cpu_s: childCpuSeconds(lines.at(-1) ?? ''), stdout: lines.slice(0, -2).join('\n') };
}

function summarize(impl: string, threads: number, scans: number, wall: number, cpu: number): WholeRun {
  const perS = scans / wall;
  return {
    impl,
    threads,
    scans,
    wall_s: round(wall, 2),
    cpu_s: round(cpu, 2),
    scans_per_s: round(perS),
    scans_per_s_per_core: round(perS / Math.min(threads, availableParallelism())),
    cores_used: round(cpu / wall, 2),
    scans_per_s_per_core_used: round(scans / cpu),
    cpu_s_per_scan: round(cpu / scans, 4),
  };
}

/** `ct3d ingest DATA --out <fresh cache> --workers N` as a user runs it from the repository (tsx). */
export async function ct3dWhole(
  repoRoot: string,
  dataDir: string,
  scans: number,
  size: Shape3,
  workers: number,
  work: string,
): Promise<WholeRun> {
  const cache = await mkdtemp(join(work, 'whole-cache-'));
  const args = ['--import', 'tsx', 'apps/cli/src/main.ts', 'ingest', dataDir, '--out', cache];
  args.push('--size', size.join('x'), '--workers', String(workers), '--json');
  const r = timeProcess(process.execPath, args, { cwd: repoRoot });
  return summarize('ct3d ingest', workers, scans, r.wall_s, r.cpu_s);
}

export const torchPeerScript = (repoRoot: string) => resolve(repoRoot, '../shared/bench/torch_preprocess.py');

/** Why the PyTorch-style peer cannot run here, or undefined when it can. */
export function torchPeerMissing(repoRoot: string): string | undefined {
  const script = torchPeerScript(repoRoot);
  if (!existsSync(script)) return `${script} not found (no ../shared next to the repo)`;
  const deps = spawnSync(PYTHON, ['-c', 'import nibabel, torch, numpy'], { encoding: 'utf8' });
  if (deps.status !== 0) {
    const last = deps.stderr.trim().split('\n').at(-1);
    return `python deps missing (apt-get install -y python3-torch python3-nibabel python3-scipy): ${last}`;
  }
  return undefined;
}

/** The PyTorch-style peer on 1 thread (torch.set_num_threads and OMP/BLAS pinned to 1), whole process. */
export function torchWhole(repoRoot: string, dataDir: string, scans: number, size: Shape3): WholeRun {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const args = [torchPeerScript(repoRoot), dataDir, '--size', ...size.map(String), '--threads', '1'];
  const r = timeProcess(PYTHON, args, { env });
  const own = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{')) ?? '{}') as {
    scans?: number;
    threads?: number;
  };
  if (own.scans !== scans) throw new Error(`torch peer processed ${own.scans} scans, expected ${scans}`);
  return summarize('torch peer', own.threads ?? 1, scans, r.wall_s, r.cpu_s);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
