import { isAbsolute } from 'node:path';
import { FOLD_DIR_PATTERN } from '@ct3d/train/run-folder';

/** A request for a path the dashboard refuses to serve; `status` is the HTTP code to answer with. */
export class PathRefused extends Error {
  constructor(
    readonly status: 403 | 404 | 413,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Decodes raw URL path segments (as they came off the wire, before any normalisation) and refuses anything
 * that could step outside a folder: `..`/`.` (also percent-encoded), empty segments (`//` = absolute),
 * embedded slashes or backslashes, NUL, and drive-letter/absolute names.
 */
export function decodeSegments(rawSegments: readonly string[]): string[] {
  if (rawSegments.length === 0) throw new PathRefused(404, 'empty path');
  return rawSegments.map((raw) => {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      throw new PathRefused(403, `bad percent-encoding in ${JSON.stringify(raw)}`);
    }
    if (seg === '' || seg === '.' || seg === '..')
      throw new PathRefused(403, `segment ${JSON.stringify(raw)}`);
    if (/[/\\\0]/.test(seg) || isAbsolute(seg) || /^[a-zA-Z]:/.test(seg)) {
      throw new PathRefused(403, `segment ${JSON.stringify(raw)}`);
    }
    return seg;
  });
}

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
