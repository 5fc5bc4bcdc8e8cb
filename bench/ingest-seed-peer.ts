// The seed's nibabel + scipy pipeline (../shared/bench/seed_pipeline.py) on the same files, for
// `bench:ingest --seed-peer`: about 0.4 scans/s, so off by default.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { childCpuSeconds, type Shape3 } from './ingest-whole.js';

const PYTHON = '/usr/bin/python3';
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

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
export function runSeedPeer(repoRoot: string, dataDir: string, size: Shape3): PeerResult | undefined {
  const peerScript = resolve(repoRoot, '../shared/bench/seed_pipeline.py');
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
