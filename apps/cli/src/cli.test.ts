import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNifti } from '@ct3d/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip, startTestServer, tinyScanBytes } from '../../../packages/io/src/download/test-support.js';
import { nonFiniteScans } from '../../../tests/support/src/non-finite-scans.js';
import { formatDownloadProgress } from './commands/download.js';
import { type CliResult, ct3dNodeArgs, runNode } from './test-support.js';

const ct3d = (...args: string[]): Promise<CliResult> =>
  runNode(ct3dNodeArgs(args), { ...process.env, CI: '1' });

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
    expect(unknown.stderr).toContain("ct3d: unknown command 'frobnicate'");
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

    // A second train into the run folder is refused and changes nothing; --overwrite replaces the run.
    const trainArgs = ['train', '--cache', cache, '--run', runDir, '--epochs', '1', '--filters', '2,2'];
    const again = await ct3d(...trainArgs, '--backend', 'cpu', '--workers', '1');
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(
      `ct3d train: ${runDir}: already holds a run (best, curves.png, events.jsonl, history.json, ...); ` +
        `continue it with --resume ${runDir}, or replace it with --overwrite`,
    );
    expect(JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8'))).toEqual(history);
    const replaced = await ct3d(...trainArgs, '--backend', 'cpu', '--workers', '1', '--overwrite');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8')).val_loss).toHaveLength(1);

    // Two altered cache files: each named on its own line, then the one-line error; no run folder made.
    const altered = join(dir, 'cache-altered');
    await cp(cache, altered, { recursive: true });
    for (const entry of manifest.entries.slice(0, 2)) {
      const bytes = await readFile(join(altered, entry.file));
      bytes.writeFloatLE(bytes.readFloatLE(400) + 1, 400);
      await writeFile(join(altered, entry.file), bytes);
    }
    const refused = await ct3d(
      ...['train', '--cache', altered, '--run', join(dir, 'run-altered'), '--backend', 'cpu'],
    );
    expect(refused.code).toBe(1);
    const why = 'cache file bytes differ from the ones written (hash mismatch)';
    expect(refused.stderr.trimEnd().split('\n')).toEqual([
      `  ${manifest.entries[0].file}: ${why}`,
      `  ${manifest.entries[1].file}: ${why}`,
      `ct3d train: ${altered}: 2 of 6 cached scans fail verification: ${manifest.entries[0].file}: ${why} ` +
        `(+1 more); re-run \`ct3d ingest\` of the same data into ${altered} to rebuild them`,
    ]);
    await expect(readFile(join(dir, 'run-altered', 'metrics.json'))).rejects.toThrow(/ENOENT/);

    const evaluation = await ct3d('evaluate', '--run', runDir, '--cache', cache, '--set', 'val', '--json');
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const metrics = JSON.parse(evaluation.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(metrics.scans).toBe(2);
    expect(metrics.acc).toBeGreaterThanOrEqual(0);
    // One scan of each class: some threshold separates them unless they tie, so J is 1 or 0.
    expect(metrics.operatingPoints.youden.j === 1 || metrics.operatingPoints.youden.j === 0).toBe(true);
    expect(metrics.operatingPoints.reliability).toHaveLength(10);
    expect(metrics.operatingPoints.brier).toBeGreaterThanOrEqual(0);

    const scan = join(data, 'CT-23', manifest.entries.at(-1).source.split('/').at(-1));
    const predict = await ct3d('predict', scan, '--run', runDir);
    expect(predict.code, predict.stderr).toBe(0);
    const lines = predict.stdout.trim().split('\n').slice(-2);
    expect(lines[0]).toMatch(/^This model is \d+\.\d\d percent confident that CT scan is normal$/);
    expect(lines[1]).toMatch(/^This model is \d+\.\d\d percent confident that CT scan is abnormal$/);
    const [p0, p1] = lines.map((l) => Number(l.split(' ')[3]));
    expect(p0 + p1).toBeCloseTo(100, 1);

    const decided = await ct3d('predict', scan, '--run', runDir, '--threshold', 'youden', '--json');
    expect(decided.code, decided.stderr).toBe(0);
    const out = JSON.parse(decided.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out.predicted).toBe(out.probability > out.threshold ? 1 : 0);
    const fixed = await ct3d('predict', scan, '--run', runDir, '--threshold', '0.999');
    expect(fixed.stdout).toMatch(/\nPredicted: normal \(p [\d.]+ <= threshold 0\.9990, given\)/);
    const bad = await ct3d('predict', scan, '--run', runDir, '--threshold', '2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--threshold must be a number between 0 and 1 or "youden", got "2"');

    const missing = await ct3d('predict', join(dir, 'nope.nii.gz'), '--run', runDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.nii.gz');

    // Scans whose voxels are not all finite are refused, naming the file and the count (they used to get
    // "This model is 64.84 percent confident that CT scan is normal" and exit 0).
    for (const bad of nonFiniteScans(encodeNifti)) {
      const path = join(dir, bad.name);
      await writeFile(path, bad.bytes);
      const refused = await ct3d('predict', path, '--run', runDir);
      expect([bad.name, refused.code]).toEqual([bad.name, 1]);
      expect(refused.stdout).not.toContain('percent confident');
      expect(refused.stderr).toBe(
        `ct3d predict: ${path}: ${bad.nonFinite} non-finite voxels (NaN/Inf, ${bad.percent}% of ${bad.voxels}); refused: a prediction from them would mean nothing\n`,
      );
    }

    // The run's in-browser page (its Chromium tests are @ct3d/web's): a static folder with the best checkpoint.
    const site = join(dir, 'site');
    const exported = await ct3d('export-web', '--run', runDir, '--out', site);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(
      /^Exported run \S+ \(best checkpoint, input 24x24x16, normal \/ abnormal\) to /,
    );
    const siteManifest = JSON.parse(await readFile(join(site, 'manifest.json'), 'utf8'));
    expect(siteManifest).toMatchObject({ checkpoint: 'best', inputSize: [24, 24, 16], head: 'sigmoid' });
    expect(await readFile(join(site, 'model', 'weights.bin'))).toEqual(
      await readFile(join(runDir, 'best', 'weights.bin')),
    );
    const occupied = await ct3d('export-web', '--run', runDir, '--out', data);
    expect(occupied.code).toBe(1);
    expect(occupied.stderr.trim()).toMatch(
      /: not empty and not an earlier export \(no manifest\.json\); choose another --out$/,
    );
  }, 480_000);
});

describe('ct3d train --folds', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-folds-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains one run folder per fold on the second synthetic family and summarizes them in folds.json', async () => {
    const data = join(dir, 'folds-data');
    const cache = join(dir, 'folds-cache');
    const runDir = join(dir, 'cv');
    const synth = await ct3d(
      'synth',
      data,
      '--per-class',
      '2',
      '--size',
      '32',
      '--slices',
      '8:8',
      '--family',
      'broad-dense',
    );
    expect(synth.stdout).toContain('wrote 4 synthetic scans (broad-dense, 32x32');
    const ingest = await ct3d('ingest', data, '--out', cache, '--size', '16x16x16', '--workers', '1');
    expect(ingest.code, ingest.stderr).toBe(0);
    const common = ['--cache', cache, '--run', runDir, '--epochs', '1', '--filters', '2', '--backend', 'cpu'];
    const train = await ct3d('train', ...common, '--folds', '2', '--workers', '1', '--bn-stats-batches', '1');
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toContain('fold 2 of 2');
    expect(train.stdout).toMatch(
      /2 of 2 folds finished; .*\n(.|\n)* {2}val_auc: [\d.]+ \+- [\d.]+ \(folds: /,
    );
    const summary = JSON.parse(await readFile(join(runDir, 'folds.json'), 'utf8'));
    expect(summary.results.map((r: { fold: number }) => r.fold)).toEqual([1, 2]);
    const infos = await Promise.all(
      [1, 2].map(async (f) => JSON.parse(await readFile(join(runDir, `fold-${f}`, 'run.json'), 'utf8'))),
    );
    // The two folds validate on disjoint scans that together are the whole cache.
    expect(infos.map((i) => i.split.val.length)).toEqual([2, 2]);
    expect(new Set(infos.flatMap((i) => i.split.val)).size).toBe(4);
    expect(infos.map((i) => [i.settings.folds, i.settings.fold, i.settings.bnStats])).toEqual([
      [2, 1, 'precise'],
      [2, 2, 'precise'],
    ]);
    const bad = await ct3d('train', ...common, '--folds', '2', '--fold', '3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fold must be between 1 and 2, got 3');
  }, 180_000);
});

describe('download progress line', () => {
  it('shows the bar, MB, the MB/s of this run and the ETA', () => {
    // 100 MB on disk from an earlier run, 300 MB now, 10 s at 20 MB/s: 700 MB left -> 35 s.
    expect(formatDownloadProgress('CT-0.zip', 300e6, 1000e6, 100e6, 10_000)).toBe(
      'CT-0.zip [######..............] 300.0/1000.0 MB 20.0 MB/s ETA 35s',
    );
    expect(formatDownloadProgress('CT-1.zip', 5e6, undefined, 0, 1000)).toBe('CT-1.zip 5.0 MB 5.0 MB/s');
  });
});

// Against a local mirror (no network): the seed set, where CT-0.zip's known size (1045162547) must
// reject the small mirror copy while CT-23.zip (size unknown) downloads after a cut and extracts.
describe('ct3d download', () => {
  it('downloads from --base-url, resumes, extracts, fails a wrong size clearly, and re-runs cheaply', async () => {
    const ct0 = buildZip([{ name: 'CT-0/study_0001.nii.gz', data: tinyScanBytes(1) }]);
    const ct23 = buildZip([
      { name: 'CT-23/study_0002.nii.gz', data: tinyScanBytes(2, true) },
      { name: 'CT-23/study_0003.nii.gz', data: tinyScanBytes(3, true), deflate: true },
    ]);
    const server = await startTestServer({ 'CT-0.zip': ct0, 'CT-23.zip': ct23 });
    const dir = await mkdtemp(join(tmpdir(), 'ct3d-cli-download-'));
    try {
      const out = join(dir, 'MosMedData');
      server.behavior = { cutAfter: 3000, cutTimes: 1, only: 'CT-23.zip' };
      const seed = await ct3d('download', '--out', out, '--base-url', server.baseUrl, '--set', 'seed');
      expect(seed.code).toBe(1);
      expect(seed.stderr).toContain(
        `failed CT-0.zip: server reports ${ct0.length} bytes, expected 1045162547`,
      );
      expect(seed.stderr).toMatch(/CT-23\.zip: connection lost after \d+ bytes .*retry 1\/5/);
      expect(seed.stderr).toMatch(/CT-23\.zip: \d+ bytes, sha256 [0-9a-f]{64} \(size verified/);
      expect(seed.stderr).toContain('CT-23.zip: extracted 2 files');
      expect(server.requests.some((r) => r.path === '/storage/CT-23.zip' && r.range)).toBe(true);

      const again = await ct3d('download', '--out', out, '--base-url', server.baseUrl, '--files', 'CT-23');
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('already downloaded');
      expect(again.stderr).toContain('extracted 0 files (0.0 MB), 2 already there');
      expect(again.stdout).toContain(`scans in ${out}: CT-23 2`);

      const bad = await ct3d('download', '--out', out, '--set', 'everything');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('unknown set "everything"');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// Full-MosMedData class mappings: presets at ingest, a 3-class softmax run, evaluate and predict.
describe('ct3d with class presets', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-cli-classes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ingests MosMedData-style CT-0..CT-2 folders with class presets and trains/evaluates/predicts 3 classes', async () => {
    const synth = join(dir, 'synth3');
    const data = join(dir, 'data3');
    expect(
      (await ct3d('synth', synth, '--per-class', '3', '--size', '32', '--slices', '8:9', '--seed', '2')).code,
    ).toBe(0);
    // CT-2 gets scans of its own: copies of CT-1's bytes would be refused as duplicates across classes.
    const synthB = join(dir, 'synth3b');
    expect(
      (await ct3d('synth', synthB, '--per-class', '3', '--size', '32', '--slices', '8:9', '--seed', '3'))
        .code,
    ).toBe(0);
    await cp(join(synth, 'CT-0'), join(data, 'CT-0'), { recursive: true });
    await cp(join(synth, 'CT-23'), join(data, 'CT-1'), { recursive: true });
    await cp(join(synthB, 'CT-23'), join(data, 'CT-2'), { recursive: true });

    const binary = await ct3d(
      'ingest',
      data,
      '--out',
      join(dir, 'cache-bin'),
      '--size',
      '16x16x8',
      '--workers',
      '1',
      '--classes',
      'binary',
    );
    expect(binary.code, binary.stderr).toBe(0);
    expect(binary.stderr).toContain(
      'classes (binary): 0 = CT-0 [CT-0] 3 scans; 1 = CT-1..2 [CT-1, CT-2] 6 scans',
    );
    const binManifest = JSON.parse(await readFile(join(dir, 'cache-bin', 'manifest.json'), 'utf8'));
    expect(new Set(binManifest.entries.map((e: { className: string }) => e.className))).toEqual(
      new Set(['CT-0', 'CT-1..2']),
    );

    const cache = join(dir, 'cache3');
    const runDir = join(dir, 'run3');
    const ingest = await ct3d(
      'ingest',
      data,
      '--out',
      cache,
      '--size',
      '24x24x16',
      '--workers',
      '1',
      '--classes',
      'severity',
    );
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stderr).toContain(
      'classes (severity): 0 = CT-0 [CT-0] 3 scans; 1 = CT-1 [CT-1] 3 scans; 2 = CT-2 [CT-2] 3 scans',
    );

    const train = await ct3d(
      ...[
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
      ],
      ...['--workers', '1', '--class-weight', 'balanced', '--sampling', 'balanced'],
    );
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toContain(
      'classes: 3 (softmax, sparse_categorical_crossentropy); class weights 1.0000, 1.0000, 1.0000; sampling balanced',
    );
    expect(train.stdout).toMatch(
      /val_macro_f1: \S+ - val_recall_0: \S+ - val_recall_1: \S+ - val_recall_2: \S+( - every validation scan predicted class \d \(collapsed to one class\))?\n/,
    );
    const run = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
    expect(run.classNames).toEqual(['CT-0', 'CT-1', 'CT-2']);
    expect(run.classes).toMatchObject({
      count: 3,
      outputUnits: 3,
      trainCounts: [2, 2, 2],
      weights: [1, 1, 1],
    });
    const history = JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8'));
    expect(history.val_recall_2).toHaveLength(2);

    const evaluation = await ct3d('evaluate', '--run', runDir, '--cache', cache, '--set', 'val');
    expect(evaluation.code, evaluation.stderr).toBe(0);
    expect(evaluation.stdout).toContain('3 classes');
    expect(evaluation.stdout).toMatch(/\n {2}2 CT-2 +\S+ +\S+ +\S+ +\S+ +1\n/);
    expect(evaluation.stdout).toContain('confusion (rows: true class, columns: predicted class)');

    const predict = await ct3d(
      'predict',
      join(data, 'CT-2', binManifest.entries.at(-1).source.split('/').at(-1)),
      '--run',
      runDir,
    );
    expect(predict.code, predict.stderr).toBe(0);
    const lines = predict.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, c) => {
      expect(line).toMatch(
        new RegExp(`^This model is \\d+\\.\\d\\d percent confident that CT scan is CT-${c}$`),
      );
    });
  }, 180_000);
});
