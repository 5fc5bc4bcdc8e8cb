// Every transfer syntax x series kind read by ct3d equals dcm2niix's NIfTI of it, read by ct3d.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicomFolder, readNifti } from '../node.js';
import { readDicomSeries } from './index.js';
import { dcm2niix, decodeJpegLs, makeSeries, type Syntax, transcode } from './test-series.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ct3d-dicom-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function ct3dRead(dir: string) {
  const { series } = await readDicomFolder(dir);
  expect(series).toHaveLength(1);
  return readDicomSeries(series[0]);
}

/** The reference: dcm2niix's NIfTI of `dir` read by ct3d's NIfTI reader. */
async function reference(dir: string, out: string) {
  const files = dcm2niix(dir, out);
  expect(files).toHaveLength(1);
  return readNifti(files[0]);
}

/** dcm2niix's header holds -0 where a zero was negated: equal to 0 as a number, not to Object.is. */
function unsignedZeros(affine: number[][]): number[][] {
  return affine.map((row) => row.map((v) => v + 0));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

// Debian's dcm2niix reads neither deflated nor JPEG-LS files: those compare with dcm2niix's NIfTI of the
// uncompressed source (lossless) or of dcmtk's decoding (near-lossless, which CharLS decodes in both).
const DCM2NIIX_READS: Record<Syntax, 'itself' | 'source' | 'dcmdjpls'> = {
  'implicit VR LE': 'itself',
  'explicit VR BE': 'itself',
  deflated: 'source',
  'JPEG lossless .57': 'itself',
  'JPEG lossless SV1 .70': 'itself',
  'JPEG-LS lossless': 'source',
  'JPEG-LS near-lossless': 'dcmdjpls',
  'JPEG 2000 lossless': 'itself',
  'JPEG 2000 lossy': 'itself',
  RLE: 'itself',
};

// dcmtk's near-lossless JPEG-LS takes unsigned pixels only: the signed series skips it.
const CASES: { kind: 'axial' | 'unsigned12'; syntax: Syntax }[] = (['axial', 'unsigned12'] as const).flatMap(
  (kind) =>
    (Object.keys(DCM2NIIX_READS) as Syntax[])
      .filter((syntax) => !(kind === 'axial' && syntax === 'JPEG-LS near-lossless'))
      .map((syntax) => ({ kind, syntax })),
);

describe('DICOM transfer syntaxes against dcm2niix', () => {
  it.each(CASES)('$kind series in $syntax: same voxels and affine as dcm2niix', async ({ kind, syntax }) => {
    const base = join(root, `${kind}-${syntax.replace(/\W+/g, '_')}`);
    const source = makeSeries(join(base, 'source'), kind, { seed: 11 });
    const coded = transcode(source, join(base, 'coded'), syntax);
    const how = DCM2NIIX_READS[syntax];
    const refDir =
      how === 'itself' ? coded : how === 'source' ? source : decodeJpegLs(coded, join(base, 'dec'));
    const [ours, theirs] = [await ct3dRead(coded), await reference(refDir, join(base, 'nii'))];
    expect(ours.shape).toEqual(theirs.shape);
    expect(ours.affine).toEqual(unsignedZeros(theirs.affine));
    expect(ours.spacing).toEqual(theirs.spacing);
    expect(maxDifference(ours.data, theirs.data)).toBe(0);
    expect(ours.lossy).toBe(syntax.includes('lossy') || syntax.includes('near'));
    if (syntax === 'JPEG-LS near-lossless') {
      // NEAR=2 bounds each stored value's error; slope 1 keeps it in HU.
      const original = await ct3dRead(source);
      expect(maxDifference(ours.data, original.data)).toBeLessThanOrEqual(2);
      expect(maxDifference(ours.data, original.data)).toBeGreaterThan(0);
    }
  });
});
