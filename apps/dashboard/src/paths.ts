import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';

/** A request for a path the dashboard refuses to serve; `status` is the HTTP code to answer with. */
export class PathRefused extends Error {
  constructor(
    readonly status: 403 | 404,
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

/**
 * Resolves `segments` under `root` and returns the real path of an existing regular file, refusing
 * (403) when the real path — after following symlinks — lies outside the real root.
 */
export async function resolveInside(root: string, segments: readonly string[]): Promise<string> {
  const realRoot = await realpath(root);
  let real: string;
  try {
    real = await realpath(join(realRoot, ...segments));
  } catch {
    throw new PathRefused(404, 'not found');
  }
  if (!real.startsWith(realRoot + sep)) throw new PathRefused(403, 'outside the served folder');
  const st = await stat(real);
  if (!st.isFile()) throw new PathRefused(404, 'not a file');
  return real;
}

/** Same check for a relative path stored in a file we trust less than our own code (e.g. a manifest). */
export async function resolveRelativeInside(root: string, relative: string): Promise<string> {
  if (isAbsolute(relative)) throw new PathRefused(403, 'absolute path');
  return resolveInside(root, decodeSegments(relative.split(/[/\\]/).map(encodeURIComponent)));
}
