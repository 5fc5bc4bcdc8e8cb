// DICOM files on disk (Node only): a folder, a file or a list of files to series, and a series to a Volume.
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DicomError,
  type DicomSeries,
  type DicomVolume,
  groupSeries,
  HEADER_PREFIX_BYTES,
  hasDicomMagic,
  parseDicomFile,
  readDicomSeries,
  type SkippedFile,
} from './dicom/index.js';
import type { DicomInstance } from './dicom/instance.js';
import { readRegularFile } from './nifti-read.js';

/** Opened so that a FIFO cannot hang the read; each reader then refuses what is not a regular file. */
const NON_BLOCKING = constants.O_RDONLY | constants.O_NONBLOCK;

export { hasDicomMagic };

/** Whether the file at path is a DICOM Part-10 file (false for anything unreadable). */
export async function isDicomFile(path: string): Promise<boolean> {
  try {
    const handle = await open(path, NON_BLOCKING);
    try {
      if (!(await handle.stat()).isFile()) return false;
      const head = new Uint8Array(132);
      const { bytesRead } = await handle.read(head, 0, 132, 0);
      return hasDicomMagic(head.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** All files under dir (sorted; symlinked folders not followed: a DICOM tree needs none). */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The CT series of a folder of DICOM files, and the files that are no slice of one (with the reason). */
export interface DicomFolder {
  series: DicomSeries[];
  /** Files that are no CT slice, or could not be read, each with its reason. */
  skipped: SkippedFile[];
}

/**
 * Parses DICOM files into series (see groupSeries). Files that are not DICOM or cannot be read are listed in
 * `skipped`, never thrown: the rest of the folder goes on.
 */
export async function readDicomFiles(paths: readonly string[]): Promise<DicomFolder> {
  const instances: DicomInstance[] = [];
  const skipped: SkippedFile[] = [];
  const read = await readAll(paths);
  for (const [i, path] of paths.entries()) {
    const bytes = read[i];
    if (typeof bytes === 'string') skipped.push({ name: path, reason: bytes });
    else if (!hasDicomMagic(bytes)) skipped.push({ name: path, reason: 'not a DICOM file (no DICM prefix)' });
    else {
      try {
        instances.push(parseDicomFile(bytes, path));
      } catch (err) {
        skipped.push({ name: path, reason: (err as { reason?: string }).reason ?? (err as Error).message });
      }
    }
  }
  const grouped = groupSeries(instances);
  return { series: grouped.series, skipped: [...skipped, ...grouped.skipped] };
}

/** Files read READS_IN_FLIGHT at a time (a series is many small files), each its bytes or why it failed. */
const READS_IN_FLIGHT = 8;

async function readAll(paths: readonly string[]): Promise<(Uint8Array | string)[]> {
  const out: (Uint8Array | string)[] = new Array(paths.length);
  let next = 0;
  const reader = async () => {
    while (next < paths.length) {
      const i = next++;
      out[i] = await readRegularFile(paths[i]).catch(
        (err: unknown) => (err as { reason?: string }).reason ?? (err as Error).message,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, paths.length) }, reader));
  return out;
}

async function readPrefix(path: string, bytes: number): Promise<{ head: Uint8Array; whole: boolean }> {
  const handle = await open(path, NON_BLOCKING);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new DicomError(path, 'not a regular file');
    const head = new Uint8Array(Math.min(bytes, info.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { head: head.subarray(0, bytesRead), whole: bytesRead >= info.size };
  } finally {
    await handle.close();
  }
}

/**
 * Series of DICOM files from their headers only (the pixels are not read, nothing is kept of the bytes):
 * what an ingest plans with before its workers read each series whole. Non-DICOM files go to `skipped`.
 */
export async function readDicomHeaders(paths: readonly string[]): Promise<DicomFolder> {
  const instances: DicomInstance[] = [];
  const skipped: SkippedFile[] = [];
  for (const path of paths) {
    try {
      const { head, whole } = await readPrefix(path, HEADER_PREFIX_BYTES);
      if (!hasDicomMagic(head)) {
        skipped.push({ name: path, reason: 'not a DICOM file (no DICM prefix)' });
        continue;
      }
      let instance: DicomInstance;
      try {
        instance = parseDicomFile(head, path, { headerOnly: true });
      } catch (err) {
        // A header longer than the prefix (or a deflated file) is parsed from the whole file.
        if (whole) throw err;
        instance = parseDicomFile(await readRegularFile(path), path, { headerOnly: true });
      }
      instances.push(instance);
    } catch (err) {
      skipped.push({ name: path, reason: (err as { reason?: string }).reason ?? (err as Error).message });
    }
  }
  const grouped = groupSeries(instances);
  return { series: grouped.series, skipped: [...skipped, ...grouped.skipped] };
}

/** The series of a folder (searched recursively) or of one file. */
export async function readDicomFolder(path: string): Promise<DicomFolder> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new DicomError(path, `cannot read (${err.code ?? err.message})`);
  });
  return readDicomFiles(info.isDirectory() ? await filesUnder(path) : [path]);
}

/**
 * The one series of a folder or file as a Volume, with the files that were skipped (localizers, reports,
 * unreadable files: the caller lists them). Several series: refused with their names unless `series`
 * (matched against SeriesDescription) picks exactly one. Errors are DicomError naming the path or series;
 * when files were skipped, the message says how many and the first.
 */
export async function readDicomVolume(
  path: string,
  opts: { series?: RegExp; minExtent?: number } = {},
): Promise<DicomVolume & { skipped: SkippedFile[] }> {
  const found = await readDicomFolder(path);
  const first = found.skipped[0];
  const skippedNote = first
    ? ` (${found.skipped.length} file${found.skipped.length === 1 ? '' : 's'} skipped; first: ${first.name}: ${first.reason})`
    : '';
  const picked = opts.series
    ? found.series.filter((s) => opts.series?.test(s.seriesDescription))
    : found.series;
  if (picked.length === 1) {
    const name = `${path} (series ${picked[0].name})`;
    try {
      return {
        ...(await readDicomSeries(picked[0], { name, minExtent: opts.minExtent })),
        skipped: found.skipped,
      };
    } catch (err) {
      if (!(err instanceof DicomError) || skippedNote === '') throw err;
      throw new DicomError(err.file, `${err.reason}${skippedNote}`, { cause: err });
    }
  }
  if (found.series.length === 0) throw new DicomError(path, `no CT series found${skippedNote}`);
  const names = found.series.map((s) => s.name).join(', ');
  const what = opts.series
    ? `${picked.length} of its series match --series ${opts.series.source}`
    : `holds ${found.series.length} series`;
  throw new DicomError(path, `${what} (${names}): pick one with --series REGEX on SeriesDescription`);
}
