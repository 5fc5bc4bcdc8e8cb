import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNifti } from '../test/nifti-builders.js';
import { decodeNifti, NiftiError } from './index.js';
import { readNifti } from './node.js';

/** A valid little-endian int16 8x4x2 NIfTI-1, to be damaged by each case. */
function validNifti(): Uint8Array {
  return buildNifti({
    datatype: 'int16',
    dims: [8, 4, 2],
    values: Array.from({ length: 64 }, (_, i) => i - 32),
  });
}

function damaged(edit: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = validNifti();
  edit(new DataView(bytes.buffer), bytes);
  return bytes;
}

/** Runs fn and returns the NiftiError it throws (failing if it throws anything else or nothing). */
function niftiErrorOf(fn: () => unknown): NiftiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(NiftiError);
    return err as NiftiError;
  }
  throw new Error('expected a NiftiError');
}

const cases: { name: string; bytes: () => Uint8Array; reason: RegExp }[] = [
  {
    name: 'truncated gzip',
    bytes: () => gzipSync(validNifti()).subarray(0, 60),
    reason: /^truncated gzip data/,
  },
  {
    name: 'corrupt gzip stream',
    bytes: () => {
      const gz = gzipSync(validNifti());
      gz.fill(0xff, 10, 30);
      return gz;
    },
    reason: /^corrupt gzip data/,
  },
  {
    name: 'too short for a header',
    bytes: () => validNifti().subarray(0, 100),
    reason: /too short for a NIfTI header/,
  },
  {
    name: 'wrong sizeof_hdr',
    bytes: () => damaged((v) => v.setInt32(0, 999, true)),
    reason: /^bad magic: sizeof_hdr is 999/,
  },
  {
    name: 'bad magic',
    bytes: () => damaged((_, b) => b.set([0x78, 0x79, 0x7a, 0], 344)),
    reason: /^bad magic "xyz"/,
  },
  {
    name: 'hdr/img pair magic',
    bytes: () => damaged((_, b) => b.set([0x6e, 0x69, 0x31, 0], 344)),
    reason: /\.hdr\/\.img pair/,
  },
  {
    name: 'zero dim',
    bytes: () => damaged((v) => v.setInt16(44, 0, true)),
    reason: /^invalid dimensions \[8, 0, 2\]/,
  },
  {
    name: 'negative dim',
    bytes: () => damaged((v) => v.setInt16(46, -2, true)),
    reason: /^invalid dimensions \[8, 4, -2\]/,
  },
  {
    name: 'bad dim[0]',
    bytes: () => damaged((v) => v.setInt16(40, 9, true)),
    reason: /^invalid dim\[0\] = 9/,
  },
  {
    name: 'dims larger than the data',
    bytes: () => damaged((v) => v.setInt16(46, 3, true)),
    reason: /^truncated or wrong dims: dims 8x4x3 of int16 need 192 bytes after vox_offset 352, found 128/,
  },
  {
    name: 'dims smaller than the data',
    bytes: () => damaged((v) => v.setInt16(46, 1, true)),
    reason: /^wrong dims: .* found 128/,
  },
  {
    name: 'truncated voxel data',
    bytes: () => validNifti().subarray(0, 400),
    reason: /^truncated or wrong dims/,
  },
  {
    name: 'vox_offset past the end',
    bytes: () => damaged((v) => v.setFloat32(108, 5000, true)),
    reason: /^vox_offset 5000 is past the end of the data \(480 bytes\)/,
  },
  {
    name: 'vox_offset inside the header',
    bytes: () => damaged((v) => v.setFloat32(108, 100, true)),
    reason: /^invalid vox_offset 100/,
  },
  {
    name: 'unsupported datatype',
    bytes: () => damaged((v) => v.setInt16(70, 128, true)),
    reason: /^unsupported datatype rgb24 \(code 128\) \(supported: uint8, int8, int16/,
  },
  {
    name: 'unknown datatype',
    bytes: () => damaged((v) => v.setInt16(70, 7, true)),
    reason: /^unsupported datatype code 7 /,
  },
  {
    name: '4D image with several volumes',
    bytes: () =>
      damaged((v) => {
        for (const [i, d] of [4, 8, 4, 1, 2].entries()) v.setInt16(40 + 2 * i, d, true);
      }),
    reason: /^unsupported 4D image \[8, 4, 1, 2\]/,
  },
  {
    name: 'non-finite pixdim',
    bytes: () => damaged((v) => v.setFloat32(80, Number.NaN, true)),
    reason: /^invalid pixdim/,
  },
];

describe('NiftiError for bad input', () => {
  for (const c of cases) {
    it(`${c.name}`, () => {
      const err = niftiErrorOf(() => decodeNifti(c.bytes(), { name: 'bad.nii' }));
      expect(err.file).toBe('bad.nii');
      expect(err.reason).toMatch(c.reason);
      expect(err.message).toBe(`bad.nii: ${err.reason}`);
      expect(err.message).not.toContain('\n');
    });
  }

  it('refuses gzip data that decompresses past maxBytes (zip-bomb guard)', () => {
    const bomb = gzipSync(new Uint8Array(5_000_000));
    const err = niftiErrorOf(() => decodeNifti(bomb, { name: 'bomb.nii.gz', maxBytes: 1_000_000 }));
    expect(err.reason).toBe('decompressed size exceeds the limit of 1000000 bytes');
  });

  it('refuses uncompressed data over maxBytes', () => {
    const err = niftiErrorOf(() => decodeNifti(validNifti(), { maxBytes: 400 }));
    expect(err.reason).toMatch(/^size 480 bytes exceeds the limit of 400 bytes/);
    expect(err.file).toBe('<bytes>');
  });

  it('decodes the undamaged file (the cases above fail for their stated reason only)', () => {
    const vol = decodeNifti(gzipSync(validNifti()));
    expect(vol.shape).toEqual([8, 4, 2]);
    expect(vol.data[0]).toBe(-32);
    expect(vol.data[63]).toBe(31);
  });
});

describe('readNifti file errors', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-io-err-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names a missing file and the system error code', async () => {
    const path = join(dir, 'missing.nii.gz');
    await expect(readNifti(path)).rejects.toThrow(new NiftiError(path, 'cannot read file (ENOENT)'));
  });

  it('refuses a directory', async () => {
    await expect(readNifti(dir)).rejects.toThrow(`${dir}: not a regular file`);
  });
});
