import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { printable } from '@ct3d/core';
import { writeFileAtomic } from '@ct3d/core/node';
import type { ScanEntry } from '@ct3d/io/dataset';

/** The full list of what one ingest run could not use, in the cache folder (the terminal shows the first few). */
export const INGEST_ERRORS_FILE = 'ingest-errors.txt';

/** The kinds of problem an ingest reports. */
export type ProblemKind = 'failed' | 'skipped' | 'warning';

/** One line of ingest-errors.txt: a failed scan, a skipped file or a warning. */
export interface IngestProblem {
  kind: ProblemKind;
  path: string;
  /** The one-line reason (failed, skipped) or the warning. */
  text: string;
}

/** "failed CT-0/x.nii: reason", names escaped (core's printable): the terminal's line and the file's. */
export function problemLine(p: IngestProblem): string {
  return `${p.kind} ${printable(p.path)}: ${printable(p.text)}`;
}

/**
 * Writes every problem of a run to `<cacheDir>/ingest-errors.txt` (atomic), one line each after a header with
 * the counts, and returns its path; with none, removes an earlier run's list and returns undefined.
 */
export async function writeIngestErrors(
  cacheDir: string,
  problems: readonly IngestProblem[],
  now = new Date(),
): Promise<string | undefined> {
  const path = resolve(cacheDir, INGEST_ERRORS_FILE);
  if (problems.length === 0) {
    await rm(path, { force: true });
    return undefined;
  }
  const count = (kind: ProblemKind) => problems.filter((p) => p.kind === kind).length;
  const head =
    `# ct3d ingest ${now.toISOString()}: ${count('failed')} failed, ${count('skipped')} skipped, ` +
    `${count('warning')} warnings (names escaped: \\u202e is U+202E, \\\\ a backslash)`;
  await writeFileAtomic(path, `${[head, ...problems.map(problemLine)].join('\n')}\n`);
  return path;
}

/**
 * One line for each class (label) of `classes` that ends the run with no scan in the cache: none found in its
 * folders, or all of them failed. Training needs scans of every class.
 */
export function classesWithoutScans(
  classes: Readonly<Record<string, number>>,
  classNames: readonly string[],
  scans: readonly ScanEntry[],
  failed: readonly { path: string }[],
): string[] {
  const failedPaths = new Set(failed.map((f) => resolve(f.path)));
  const labels = [...new Set(Object.values(classes))].sort((a, b) => a - b);
  return labels.flatMap((label) => {
    const found = scans.filter((s) => s.label === label);
    if (found.some((s) => !failedPaths.has(resolve(s.path)))) return [];
    const folders = Object.keys(classes).filter((f) => classes[f] === label);
    const why =
      found.length === 0
        ? 'no scan found (.nii, .nii.gz or a DICOM series)'
        : `all ${found.length} found failed`;
    const name = printable(classNames[label] ?? `class ${label}`);
    const where = `folder${folders.length === 1 ? '' : 's'} ${printable(folders.join(', '))}`;
    return [`class ${label} (${name}, ${where}) has no scans: ${why}`];
  });
}
