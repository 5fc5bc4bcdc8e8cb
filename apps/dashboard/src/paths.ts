import { isAbsolute } from 'node:path';
import { decodeSegments, PathRefused } from '@ct3d/core/node';
import { FOLD_DIR_PATTERN } from '@ct3d/train/run-folder';

/** The checked segments of a relative path stored in a file we trust less than our own code (a manifest). */
export function relativeSegments(relative: string): string[] {
  if (isAbsolute(relative)) throw new PathRefused(403, 'absolute path');
  return decodeSegments(relative.split(/[/\\]/).map(encodeURIComponent));
}

/**
 * The folder segments of a run name: one folder of the runs folder, or `<run>/fold-<i>`, a fold of a
 * cross-validation run (`ct3d train --folds`); each segment is checked like a URL segment.
 */
export function runNameSegments(name: string): string[] {
  const parts = name.split('/');
  const fold = parts.length === 2 && FOLD_DIR_PATTERN.test(parts[1] ?? '');
  return decodeSegments((fold ? parts : [name]).map(encodeURIComponent));
}

/** A run name from one raw URL segment (a fold's '/' arrives percent-encoded), refused like runNameSegments. */
export function decodeRunName(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new PathRefused(403, `bad percent-encoding in ${JSON.stringify(raw)}`);
  }
  runNameSegments(name);
  return name;
}
