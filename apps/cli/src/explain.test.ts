// `ct3d synth --masks` and `ct3d explain`: each abnormal scan gets its lesion mask beside it, and the heat map
// comes back in the scan's own space (its shape and affine), for every method.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti } from '@ct3d/io/node';
import { buildSeedModel, saveModel } from '@ct3d/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, ct3dNodeArgs, runNode } from './test-support.js';

const ct3d = (...args: string[]): Promise<CliResult> =>
  runNode(ct3dNodeArgs(args), { ...process.env, CI: '1' });

describe('ct3d synth --masks, ct3d explain', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-explain-'));
    const model = buildSeedModel({
      width: 16,
      height: 16,
      depth: 12,
      filters: [4, 8],
      denseUnits: 8,
      seed: 4,
    });
    await saveModel(model, join(dir, 'run', 'best'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes masks beside the abnormal scans, and maps with the scan shape and affine', async () => {
    const synth = await ct3d(
      'synth',
      join(dir, 'data'),
      '--per-class',
      '1',
      '--size',
      '40',
      '--slices',
      '10:10',
      '--masks',
    );
    expect(synth.code, synth.stderr).toBe(0);
    expect(synth.stdout).toContain('with 1 lesion masks (<name>_mask.nii.gz)');
    expect(await readdir(join(dir, 'data', 'CT-23'))).toEqual([
      'study_0002.nii.gz',
      'study_0002_mask.nii.gz',
    ]);
    expect(await readdir(join(dir, 'data', 'CT-0'))).toEqual(['study_0001.nii.gz']);
    const scanPath = join(dir, 'data', 'CT-23', 'study_0002.nii.gz');
    const scan = await readNifti(scanPath);
    for (const method of ['gradcam', 'gradcampp', 'occlusion']) {
      const out = join(dir, `heat-${method}.nii.gz`);
      const extra = method === 'occlusion' ? ['--patch', '8'] : [];
      const r = await ct3d(
        'explain',
        scanPath,
        '--run',
        join(dir, 'run'),
        '--out',
        out,
        '--method',
        method,
        ...extra,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(
          `^wrote .*heat-${method}\\.nii\\.gz: ${method} \\(.+\\) evidence for "abnormal" \\(p 0\\.\\d{4}\\), 40x40x10 in the scan's space\\n$`,
        ),
      );
      const heat = await readNifti(out);
      expect([heat.shape, heat.affine, heat.spacing]).toEqual([scan.shape, scan.affine, scan.spacing]);
      expect(Math.min(...heat.data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...heat.data)).toBeLessThanOrEqual(1);
    }
    const layered = await ct3d(
      'explain',
      scanPath,
      '--run',
      join(dir, 'run'),
      '--out',
      join(dir, 'h.nii.gz'),
      '--method',
      'gradcam',
      '--layer',
      'conv3d',
    );
    expect(layered.code, layered.stderr).toBe(0);
    expect(layered.stdout).toContain('gradcam (conv3d) evidence');
    // Without --method: the default, occlusion with 12-voxel patches (the benchmark's best).
    const plain = await ct3d('explain', scanPath, '--run', join(dir, 'run'), '--out', join(dir, 'h.nii.gz'));
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('occlusion (patch 12) evidence');
  });

  it('refuses a bad method, a layer that is no feature map, and a missing scan, in one line each', async () => {
    const run = join(dir, 'run');
    const out = join(dir, 'x.nii.gz');
    const scanPath = join(dir, 'data', 'CT-23', 'study_0002.nii.gz');
    const method = await ct3d('explain', scanPath, '--run', run, '--out', out, '--method', 'lime');
    expect([method.code, method.stderr.trim().split('\n')[0]]).toEqual([
      2,
      'ct3d explain: --method must be one of gradcam, gradcampp, occlusion, got "lime"',
    ]);
    const layer = await ct3d(
      'explain',
      scanPath,
      '--run',
      run,
      '--out',
      out,
      '--method',
      'gradcam',
      '--layer',
      'dense',
    );
    expect(layer.code).toBe(1);
    expect(layer.stderr.trim()).toMatch(
      /^ct3d explain: Grad-CAM: no feature-map layer "dense" \(layers: .*conv3d_1.*\)$/,
    );
    const missing = await ct3d('explain', join(dir, 'nope.nii.gz'), '--run', run, '--out', out);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.nii.gz');
  });
});
