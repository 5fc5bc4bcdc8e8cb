import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type DicomScanSource, findDicomSeries } from './discover-dicom.js';

export interface ScanEntry {
  /** A NIfTI file, or for a DICOM series its files' folder + the series' name (not a file). */
  path: string;
  label: number;
  className: string;
  /** Set for a DICOM series: the scan is these files. */
  dicom?: DicomScanSource;
}

export interface ScanList {
  scans: ScanEntry[];
  /** Files found in class folders that are neither NIfTI images nor CT slices of a series (not fatal). */
  skipped: { path: string; reason: string }[];
}

/** MosMedData's classes as the seed uses them: CT-0 normal, CT-23 viral pneumonia. */
export const DEFAULT_CLASSES: Readonly<Record<string, number>> = { 'CT-0': 0, 'CT-23': 1 };

const NIFTI_NAME = /\.nii(\.gz)?$/i;

/** Parses "CT-0=0,CT-23=1" into {"CT-0": 0, "CT-23": 1}. */
export function parseClassMap(spec: string): Record<string, number> {
  const map: Record<string, number> = {};
  const parts = spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new Error(`class map "${spec}" is empty (expected e.g. "CT-0=0,CT-23=1")`);
  for (const part of parts) {
    const eq = part.lastIndexOf('=');
    const name = part.slice(0, eq).trim();
    const labelText = part.slice(eq + 1).trim();
    const label = Number(labelText);
    if (eq <= 0 || name.length === 0 || labelText === '' || !Number.isInteger(label) || label < 0) {
      throw new Error(`class map entry "${part}" must be FOLDER=LABEL with LABEL an integer >= 0`);
    }
    if (name in map) throw new Error(`class map names folder "${name}" twice`);
    map[name] = label;
  }
  return map;
}

/**
 * One name for the folders that share a label: the folder itself, "CT-1..4" for consecutive numbered
 * folders with one prefix, else the folders joined with "+" ("CT-1+CT-23").
 */
export function mergedClassName(folders: readonly string[]): string {
  if (folders.length === 1) return folders[0];
  const parsed = folders.map((f) => /^(.*?)(\d+)$/.exec(f));
  if (parsed.every((m) => m !== null)) {
    const ms = (parsed as RegExpExecArray[]).sort((a, b) => Number(a[2]) - Number(b[2]));
    const prefix = ms[0][1];
    const consecutive = ms.every((m, i) => m[1] === prefix && Number(m[2]) === Number(ms[0][2]) + i);
    if (consecutive) return `${prefix}${ms[0][2]}..${ms[ms.length - 1][2]}`;
  }
  return folders.join('+');
}

/** Label -> class name for a folder map (index = label; labels without folders get "class N"). */
export function classNamesOf(classes: Readonly<Record<string, number>>): string[] {
  const byLabel: string[][] = [];
  for (const [folder, label] of Object.entries(classes)) {
    byLabel[label] ??= [];
    byLabel[label].push(folder);
  }
  return Array.from(byLabel, (folders, i) => (folders ? mergedClassName(folders) : `class ${i}`));
}

/** What one class folder's walk has met, by real path: a folder or file reached twice is listed once. */
interface Walk {
  dirs: Map<string, string>;
  files: Map<string, string>;
  skipped: ScanList['skipped'];
}

/**
 * All files under dir (recursively), sorted by path for a stable order. Symlinked folders are followed once:
 * a loop (`ln -s . loop`) or a second link to a folder already walked, and a second link to a file already
 * listed, go to `skipped` (their copies would leak into both training and validation).
 */
async function listFiles(dir: string, walk: Walk): Promise<string[]> {
  walk.dirs.set(await realpath(dir), dir);
  const entries = await readdir(dir, { withFileTypes: true });
  const found: { path: string; isDir: boolean }[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    // A broken symlink counts as a file: it ends up in `skipped` or fails to read, never silently vanishes.
    const linkToDir =
      entry.isSymbolicLink() &&
      (await stat(full).then(
        (s) => s.isDirectory(),
        () => false,
      ));
    found.push({ path: full, isDir: entry.isDirectory() || linkToDir });
  }
  const files: string[] = [];
  for (const { path, isDir } of found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const real = await realpath(path).catch(() => path);
    const seen = isDir ? walk.dirs.get(real) : walk.files.get(real);
    if (seen !== undefined) {
      const what = isDir ? 'symlink loop or second link to the folder' : 'second link to the file';
      walk.skipped.push({ path, reason: `${what} ${seen}, already listed` });
    } else if (isDir) {
      files.push(...(await listFiles(path, walk)));
    } else {
      walk.files.set(real, path);
      files.push(path);
    }
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every file under dir (recursively, sorted), with what the walk refused (symlink loops, second links). */
export async function listDatasetFiles(
  dir: string,
): Promise<{ files: string[]; skipped: ScanList['skipped'] }> {
  const walk: Walk = { dirs: new Map(), files: new Map(), skipped: [] };
  const files = await listFiles(dir, walk);
  return { files, skipped: walk.skipped };
}

async function checkClassFolder(
  root: string,
  folder: string,
  classes: Record<string, number>,
): Promise<void> {
  const expected = Object.keys(classes).join(', ');
  try {
    if ((await stat(folder)).isDirectory()) return;
  } catch {
    throw new Error(`${folder}: class folder missing (expected folders ${expected} under ${root})`);
  }
  throw new Error(`${folder}: class folder is not a directory (expected folders ${expected} under ${root})`);
}

/**
 * Finds scans in one folder per class (recursively), labelled by the class map: .nii/.nii.gz files, and DICOM
 * series (one scan per series, however its files are spread over subfolders; `series` picks some by
 * SeriesDescription). Each scan's className is its label's name: `classNames[label]` when given, else the
 * folder, or a merged name when several folders share the label ("CT-1..4").
 */
export async function discoverScans(
  dir: string,
  opts: { classes?: Record<string, number>; classNames?: readonly string[]; series?: RegExp } = {},
): Promise<ScanList> {
  const classes = opts.classes ?? DEFAULT_CLASSES;
  if (Object.keys(classes).length === 0) throw new Error('discoverScans: no classes given');
  const names = opts.classNames ?? classNamesOf(classes);
  const scans: ScanEntry[] = [];
  const skipped: ScanList['skipped'] = [];
  for (const [className, label] of Object.entries(classes)) {
    const folder = join(dir, className);
    await checkClassFolder(dir, folder, classes);
    const walk: Walk = { dirs: new Map(), files: new Map(), skipped };
    const others: string[] = [];
    for (const path of await listFiles(folder, walk)) {
      if (NIFTI_NAME.test(path)) scans.push({ path, label, className: names[label] ?? className });
      else others.push(path);
    }
    const dicom = await findDicomSeries(others, { series: opts.series });
    for (const s of dicom.found) scans.push({ ...s, label, className: names[label] ?? className });
    for (const s of dicom.skipped) {
      const notDicom = s.reason.startsWith('not a DICOM file');
      const where = `in ${relative(dir, folder)}`;
      skipped.push({
        path: s.path,
        reason: notDicom ? `neither NIfTI (.nii, .nii.gz) nor DICOM ${where}` : s.reason,
      });
    }
  }
  return { scans, skipped };
}
