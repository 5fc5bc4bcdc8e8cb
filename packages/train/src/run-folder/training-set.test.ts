// The training set's record in run.json: read from real cache files (NIfTI, as ingest writes them).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityAffine } from '@ct3d/core';
import { writeNifti } from '@ct3d/io/node';
import type { CacheEntry } from '@ct3d/pipeline';
import { afterAll, describe, expect, it } from 'vitest';
import { trainingSetRecord } from './training-set.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-training-set-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function cached(id: string, value: number, sourceShape?: [number, number, number]) {
  const shape: [number, number, number] = [4, 4, 2];
  const data = new Float32Array(32).fill(value);
  await writeNifti({ data, shape, spacing: [1, 1, 1], affine: identityAffine() }, join(dir, `${id}.nii.gz`));
  const entry: CacheEntry = {
    id,
    file: `${id}.nii.gz`,
    source: `/data/${id}.nii.gz`,
    label: 0,
    className: 'normal',
    shape,
    sourceHash: '0'.repeat(64),
    ...(sourceShape && { sourceShape }),
  };
  return entry;
}

describe('trainingSetRecord', () => {
  it("records the scans' count, source extents and windowed HU quantiles", async () => {
    // 0 and 1 of the cache are -1000 and 400 HU; 0.5 is -300.
    const entries = [
      await cached('a', 0, [512, 512, 40]),
      await cached('b', 1, [256, 300, 120]),
      await cached('c', 0.5),
    ];
    const r = await trainingSetRecord(dir, entries);
    expect(r.scans).toBe(3);
    expect(r.sourceShape).toEqual({ min: [256, 300, 40], max: [512, 512, 120] });
    expect(r.huMean.min).toBeCloseTo(-1000, 3);
    expect(r.huMean.q50).toBeCloseTo(-300, 3);
    expect(r.huMean.max).toBeCloseTo(400, 3);
    expect(r.huStd).toEqual({ min: 0, q05: 0, q50: 0, q95: 0, max: 0 });
    expect((await trainingSetRecord(dir, entries.slice(2))).sourceShape).toBeNull();
  });
});
