// DICOM series read benchmark (not a test): ct3d (@ct3d/io readDicomVolume, one thread), dcm2niix (one
// process, -z n: no pigz threads) and pydicom + numpy (bench/dicom_peer.py) read the same series, in the same
// run, for each transfer syntax made with dcmtk/GDCM. ct3d is timed twice: in process (the read alone, warm) and
// as dcm2niix is, a whole `node` process under /usr/bin/time that reads the series and writes an uncompressed
// .nii (bench/dicom_convert.ts, bundled by esbuild). One JSON object a line, with the load average.
// Data: ../shared/real-ct/dicom (TCIA Lung-PET-CT-Dx) when present, else a generated 512x512x30 series.
//   pnpm bench:dicom [--runs 5] [--syntax explicit,rle,jpeg-lossless,jpeg-2000]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeSeries } from '../packages/io/src/dicom/test-series.js';
import { readDicomFolder, readDicomVolume } from '../packages/io/src/node.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    syntax: { type: 'string', default: 'explicit,rle,jpeg-lossless,jpeg-ls,jpeg-2000' },
  },
});
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const TRANSCODE: Record<string, string[]> = {
  explicit: [],
  rle: ['dcmcrle'],
  'jpeg-lossless': ['dcmcjpeg', '+e1'],
  'jpeg-ls': ['dcmcjpls'],
  'jpeg-2000': ['gdcmconv', '--j2k'],
};

const root = await mkdtemp(join(tmpdir(), 'ct3d-bench-dicom-'));
const shared = join(import.meta.dirname, '..', '..', 'shared', 'real-ct', 'dicom', 'Lung_Dx-A0002');
let source: string;
if (existsSync(shared)) {
  // The B70f series of the real study: 30 slices of 512x512, explicit VR little endian.
  const found = await readDicomFolder(shared);
  const series = found.series.find((s) => s.seriesDescription.includes('B70f')) ?? found.series[0];
  source = join(root, 'explicit');
  mkdirSync(source);
  for (const [i, instance] of series.instances.entries()) {
    execFileSync('cp', [instance.name, join(source, `${i}.dcm`)]);
  }
  console.log(
    JSON.stringify({
      data: 'shared/real-ct/dicom/Lung_Dx-A0002 (B70f series)',
      slices: series.instances.length,
    }),
  );
} else {
  source = makeSeries(join(root, 'explicit'), 'unsigned12', { rows: 512, cols: 512, slices: 30, seed: 1 });
  console.log(JSON.stringify({ data: 'generated 512x512x30 unsigned 12-bit series (../shared absent)' }));
}

function transcode(syntax: string): string {
  if (syntax === 'explicit') return source;
  const [tool, ...flags] = TRANSCODE[syntax];
  const dir = join(root, syntax);
  mkdirSync(dir);
  for (const f of readdirSync(source))
    execFileSync(tool, [...flags, join(source, f), join(dir, f)], { stdio: 'ignore' });
  return dir;
}

function mib(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0) / 1024 ** 2;
}

async function timeCt3d(dir: string): Promise<{ ms: number; cpuMs: number; shape: number[] }> {
  const volume = await readDicomVolume(dir); // warm-up: loads the codec once
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await readDicomVolume(dir);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpu), shape: volume.shape };
}

// The convert script bundled next to @ct3d/io's dependencies (the codecs stay external: they find their .wasm).
const convertScript = join(
  import.meta.dirname,
  '..',
  'packages',
  'io',
  'node_modules',
  '.cache',
  'ct3d-bench-dicom.mjs',
);
execFileSync(join(import.meta.dirname, '..', 'node_modules', '.bin', 'esbuild'), [
  join(import.meta.dirname, 'dicom_convert.ts'),
  '--bundle',
  '--platform=node',
  '--format=esm',
  ...['@cornerstonejs/*', 'jpeg-lossless-decoder-js', 'dicom-parser', 'fflate'].map((p) => `--external:${p}`),
  `--outfile=${convertScript}`,
  '--log-level=warning',
]);

/**
 * A command's wall and CPU (user + sys, from /usr/bin/time: 10 ms resolution) medians over `runs` runs after
 * one that warms the page cache, each given a fresh output folder; or why it wrote nothing.
 */
function timeProcess(command: (out: string) => string[]): { ms: number; cpuMs: number } | { error: string } {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const out = join(root, `nii-${i}`);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const args = ['-f', 'cpu %U %S', ...command(out)];
    const t0 = performance.now();
    const run = spawnSync('/usr/bin/time', args, { encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (readdirSync(out).length === 0) {
      const said = `${run.stdout}\n${run.stderr}`.split('\n');
      return { error: (said.find((l) => /warn|error/i.test(l)) ?? 'no output').slice(0, 80) };
    }
    const [user, sys] = (/cpu ([\d.]+) ([\d.]+)/.exec(run.stderr) ?? []).slice(1).map(Number);
    if (i > 0) {
      // The first run warms the page cache.
      times.push(ms);
      cpu.push(1000 * (user + sys));
    }
  }
  return { ms: median(times), cpuMs: median(cpu) };
}

const timeDcm2niix = (dir: string) =>
  timeProcess((out) => ['dcm2niix', '-z', 'n', '-b', 'n', '-o', out, dir]);
const timeCt3dProcess = (dir: string) =>
  timeProcess((out) => [process.execPath, convertScript, dir, join(out, 'series.nii')]);

function timePydicom(dir: string): { ms: number } | { error: string } {
  const peer = join(import.meta.dirname, 'dicom_peer.py');
  return JSON.parse(execFileSync('/usr/bin/python3', [peer, dir, String(runs)], { encoding: 'utf8' }).trim());
}

/** dcm2niix -v prints its version and exits with status 3. */
function dcm2niixVersion(): string {
  try {
    return execFileSync('dcm2niix', ['-v'], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '')
      .split('\n')[0]
      .trim();
  }
}
try {
  for (const syntax of values.syntax.split(',')) {
    const dir = transcode(syntax);
    const ct3d = await timeCt3d(dir);
    const dcm2niix = timeDcm2niix(dir);
    const ct3dProcess = timeCt3dProcess(dir);
    const pydicom = timePydicom(dir);
    const line = {
      syntax,
      files_mib: Number(mib(dir).toFixed(1)),
      shape: ct3d.shape,
      load_average: Number(loadavg()[0].toFixed(1)),
      ct3d_ms: Math.round(ct3d.ms),
      ct3d_cpu_ms: Math.round(ct3d.cpuMs),
      ct3d_process_ms: 'ms' in ct3dProcess ? Math.round(ct3dProcess.ms) : ct3dProcess.error,
      ct3d_process_cpu_ms: 'cpuMs' in ct3dProcess ? Math.round(ct3dProcess.cpuMs) : null,
      dcm2niix_ms: 'ms' in dcm2niix ? Math.round(dcm2niix.ms) : dcm2niix.error,
      dcm2niix_cpu_ms: 'cpuMs' in dcm2niix ? Math.round(dcm2niix.cpuMs) : null,
      pydicom_numpy_ms: 'ms' in pydicom ? Math.round(pydicom.ms) : pydicom.error,
      // > 1: ct3d is faster. Per core = CPU time: both run on one thread (the machine may be shared).
      ct3d_speedup_wall: 'ms' in dcm2niix ? Number((dcm2niix.ms / ct3d.ms).toFixed(2)) : null,
      ct3d_speedup_cpu: 'cpuMs' in dcm2niix ? Number((dcm2niix.cpuMs / ct3d.cpuMs).toFixed(2)) : null,
      // The same, process against process: Node's start-up (~60 ms CPU) and the float32 .nii write included.
      ct3d_process_speedup_cpu:
        'cpuMs' in dcm2niix && 'cpuMs' in ct3dProcess
          ? Number((dcm2niix.cpuMs / ct3dProcess.cpuMs).toFixed(2))
          : null,
    };
    console.log(JSON.stringify(line));
  }
  console.log(
    JSON.stringify({
      note: 'per core = CPU ms: ct3d_cpu_ms is the read alone in process (warm, median); ct3d_process_* and dcm2niix_* are whole processes (start-up, read, write an uncompressed .nii: ct3d float32, dcm2niix int16) from /usr/bin/time (10 ms resolution)',
      dcm2niix: dcm2niixVersion(),
      runs,
    }),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
