import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { realPathOf, walkFiles } from '@ct3d/core/node';
import { type DicomScanSource, findDicomSeries } from './discover-dicom.js';

/** One scan found by discoverScans: a NIfTI file or a DICOM series, with its label. */
export interface ScanEntry {
  /** A NIfTI file, or for a DICOM series its files' folder + the series' name (not a file). */
  path: string;
  label: number;
  className: string;
  /** Set for a DICOM series: the scan is these files. */
  dicom?: DicomScanSource;
}

/** What discoverScans found: the scans and what it skipped, with the reason. */
export interface ScanList {
  scans: ScanEntry[];
  /** Files found in class folders that are neither NIfTI images nor CT slices of a series (not fatal). */
  skipped: { path: string; reason: string }[];
}

/** MosMedData's classes as the seed uses them: CT-0 normal, CT-23 viral pneumonia. */
export const DEFAULT_CLASSES: Readonly<Record<string, number>> = { 'CT-0': 0, 'CT-23': 1 };

const NIFTI_NAME = /\.nii(\.gz)?$/i;
/** A lesion mask beside its scan (`ct3d synth --masks` writes `<name>_mask.nii.gz`): listed as skipped, not a scan. */
export const LESION_MASK_NAME = /_mask\.nii(\.gz)?$/i;

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

/**
 * Every file under dir (recursively, sorted), with what the walk skipped and why (core's walkFiles: links
 * leaving dir unless followLinks, loops, second links, unreadable folders, the output folder).
 */
export async function listDatasetFiles(
  dir: string,
  opts: Pick<DiscoverOptions, 'followLinks' | 'outputDir'> = {},
): Promise<{ files: string[]; skipped: ScanList['skipped'] }> {
  const exclude = await outputExclusion(dir, {}, opts.outputDir);
  return walkFiles(dir, { followLinks: opts.followLinks, linkHint: 'follow with --follow-links', exclude });
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

/** Options of discoverScans. */
export interface DiscoverOptions {
  classes?: Record<string, number>;
  classNames?: readonly string[];
  /** Follow links whose real path leaves the data folder (`--follow-links`); default: skip them with a reason. */
  followLinks?: boolean;
  /**
   * The output folder of the command (ingest's --out): not read as scans when it lies inside a class folder
   * (skipped with a reason, as tar skips its own archive); refused when it is a class folder.
   */
  outputDir?: string;
  /** Picks DICOM series by SeriesDescription (`--series REGEX`). */
  series?: RegExp;
}

/**
/**
 * Finds scans in one folder per class (recursively), labelled by the class map: .nii/.nii.gz files, and DICOM
 * series (one scan per series, however its files are spread over subfolders; `series` picks some by
 * SeriesDescription). Each scan's className is its label's name: `classNames[label]` when given, else the
 * folder, or a merged name when several folders share the label ("CT-1..4"). Links are followed once; a link
 * leaving the data folder, an unreadable folder and the output folder are skipped with their reason (core's
 * walkFiles).
 */
export async function discoverScans(dir: string, opts: DiscoverOptions = {}): Promise<ScanList> {
  const classes = opts.classes ?? DEFAULT_CLASSES;
  if (Object.keys(classes).length === 0) throw new Error('discoverScans: no classes given');
  const names = opts.classNames ?? classNamesOf(classes);
  const scans: ScanEntry[] = [];
  const skipped: ScanList['skipped'] = [];
  const exclude = await outputExclusion(dir, classes, opts.outputDir);
  for (const [className, label] of Object.entries(classes)) {
    const folder = join(dir, className);
    await checkClassFolder(dir, folder, classes);
    const walked = await walkFiles(folder, {
      within: [dir],
      followLinks: opts.followLinks,
      linkHint: 'follow with --follow-links',
      exclude,
    });
    skipped.push(...walked.skipped);
    const others: string[] = [];
    for (const path of walked.files) {
      if (LESION_MASK_NAME.test(path))
        skipped.push({ path, reason: 'a lesion mask (<name>_mask.nii.gz), not a scan' });
      else if (NIFTI_NAME.test(path)) scans.push({ path, label, className: names[label] ?? className });
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

/** The output folder, by real path, for the walk to skip; an error when it is a class folder itself. */
async function outputExclusion(
  dir: string,
  classes: Record<string, number>,
  outputDir: string | undefined,
): Promise<Map<string, string>> {
  if (outputDir === undefined) return new Map();
  const out = await realPathOf(outputDir);
  for (const className of Object.keys(classes)) {
    if ((await realPathOf(join(dir, className))) === out) {
      throw new Error(
        `${outputDir}: the output folder is the class folder ${className}; its cache files would be read as scans (choose an output folder outside the class folders)`,
      );
    }
  }
  return new Map([[out, `the output folder (${outputDir}): its own files are not read as scans`]]);
}
