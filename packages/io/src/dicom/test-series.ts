// Test support: synthetic series (test-series.py, pydicom), other transfer syntaxes (dcmtk, GDCM) and
// dcm2niix's NIfTI of a folder. Real tools run; none is mocked.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GENERATOR = fileURLToPath(new URL('./test-series.py', import.meta.url));

export type SeriesKind =
  | 'axial'
  | 'unsigned12'
  | 'sagittal'
  | 'enhanced'
  | 'missing'
  | 'duplicate'
  | 'tilt'
  | 'mixed'
  | 'extras'
  | 'two';

/** Writes a synthetic series of `kind` into dir (created) with Debian's python3 and pydicom. */
export function makeSeries(
  dir: string,
  kind: SeriesKind,
  opts: { slices?: number; rows?: number; cols?: number; seed?: number; description?: string } = {},
): string {
  const args = [GENERATOR, dir, kind];
  for (const [key, value] of Object.entries(opts)) args.push(`--${key}`, String(value));
  execFileSync('/usr/bin/python3', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return dir;
}

/** How each tested syntax is made from explicit VR little endian files. */
export const TRANSCODERS = {
  'implicit VR LE': ['dcmconv', '+ti'],
  'explicit VR BE': ['dcmconv', '+tb'],
  deflated: ['dcmconv', '+td'],
  'JPEG lossless .57': ['dcmcjpeg', '+el'],
  'JPEG lossless SV1 .70': ['dcmcjpeg', '+e1'],
  'JPEG-LS lossless': ['dcmcjpls'],
  'JPEG-LS near-lossless': ['dcmcjpls', '+en', '+md', '2'],
  'JPEG 2000 lossless': ['gdcmconv', '--j2k'],
  'JPEG 2000 lossy': ['gdcmconv', '--j2k', '--lossy', '-q', '40'],
  RLE: ['dcmcrle'],
} as const;
export type Syntax = keyof typeof TRANSCODERS;

/** Every .dcm of from, written to `to` in `syntax`. */
export function transcode(from: string, to: string, syntax: Syntax): string {
  mkdirSync(to, { recursive: true });
  const [tool, ...flags] = TRANSCODERS[syntax];
  for (const name of readdirSync(from)) {
    execFileSync(tool, [...flags, join(from, name), join(to, name)], { stdio: 'ignore' });
  }
  return to;
}

/** dcmtk's (CharLS) decoding of a JPEG-LS folder: the reference where Debian's dcm2niix has no JPEG-LS. */
export function decodeJpegLs(from: string, to: string): string {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    execFileSync('dcmdjpls', [join(from, name), join(to, name)], { stdio: 'ignore' });
  }
  return to;
}

/** dcm2niix's .nii.gz files of a folder (one per series), sorted by name. */
export function dcm2niix(from: string, out: string): string[] {
  mkdirSync(out, { recursive: true });
  execFileSync('dcm2niix', ['-z', 'y', '-b', 'n', '-f', '%s_%d', '-o', out, from], { stdio: 'ignore' });
  return readdirSync(out)
    .filter((f) => f.endsWith('.nii.gz'))
    .sort()
    .map((f) => join(out, f));
}
