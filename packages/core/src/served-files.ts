// Serving files from a folder safely, for every server of the project (the dashboard, `ct3d serve-web`):
// URL path segments decoded and refused when they could step outside, files opened only when their real path
// lies inside the served folder, with a size bound, and the content types they are served as.
import { constants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import type { Writable } from 'node:stream';

/** The content type a file is served as, by its (lower-case) extension. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

/** A request for a path a server refuses to serve; `status` is the HTTP code to answer with. */
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

declare const served: unique symbol;

/**
 * A folder a server serves, as it was configured (the dashboard's runs folder, scan cache or page files; the
 * folder `ct3d serve-web` was given). Never a folder found inside one (a run, its best/): a link there could
 * lead anywhere, and taking the link's target as the root would serve whatever it points to.
 */
export type ServedRoot = string & { readonly [served]: true };

/** Marks a configured folder as a served root (only where a server is configured). */
export const servedRoot = (folder: string): ServedRoot => folder as ServedRoot;

/** An open regular file that lies (after symlinks) inside its root; `name` is root-relative, for messages. */
export interface GuardedFile {
  handle: FileHandle;
  size: number;
  mtimeMs: number;
  name: string;
}

/**
 * The one way a server opens a file: `segments` (already decoded and checked by decodeSegments) under
 * `root`, a served root (for the dashboard: the runs folder for everything of a run, never the run's or its
 * model's real path); the real path of the file, every link followed, must lie inside the real root, be a regular file (no FIFO or device: opened
 * non-blocking, checked on the open descriptor) and hold at most `maxBytes`. Errors are PathRefused whose
 * messages name the file relative to the root, never its absolute path.
 */
export async function openGuarded(
  root: ServedRoot,
  segments: readonly string[],
  maxBytes: number,
): Promise<GuardedFile> {
  const name = segments.join('/');
  const realRoot = await realpath(root).catch(() => {
    throw new PathRefused(404, `${name}: folder not found`);
  });
  let real: string;
  try {
    real = await realpath(join(realRoot, ...segments));
  } catch {
    throw new PathRefused(404, `${name}: not found`);
  }
  if (!real.startsWith(realRoot + sep)) throw new PathRefused(403, `${name}: outside the served folder`);
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: a symlink swapped in after realpath is refused; O_NONBLOCK: a FIFO cannot hang the open.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    throw new PathRefused(404, `${name}: cannot open`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new PathRefused(404, `${name}: not a regular file`);
    if (st.size > maxBytes) {
      throw new PathRefused(413, `${name}: ${st.size} bytes is over the limit of ${maxBytes}`);
    }
    return { handle, size: st.size, mtimeMs: st.mtimeMs, name };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** The bytes of a guarded file (see openGuarded); reads no more than the size checked on open. */
export async function readGuarded(
  root: ServedRoot,
  segments: readonly string[],
  maxBytes: number,
): Promise<Buffer> {
  const file = await openGuarded(root, segments, maxBytes);
  try {
    const buf = Buffer.alloc(file.size);
    let at = 0;
    while (at < file.size) {
      const { bytesRead } = await file.handle.read(buf, at, file.size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buf.subarray(0, at);
  } finally {
    await file.handle.close();
  }
}

/** A guarded file as text, or undefined when it does not exist (other refusals still throw). */
export async function readGuardedTextIfPresent(
  root: ServedRoot,
  segments: readonly string[],
  maxBytes: number,
): Promise<string | undefined> {
  try {
    return (await readGuarded(root, segments, maxBytes)).toString('utf8');
  } catch (err) {
    if (err instanceof PathRefused && err.status === 404 && err.reason.endsWith(': not found'))
      return undefined;
    throw err;
  }
}

/**
 * Streams a guarded file's first `size` bytes into `out` (an HTTP response), closing the descriptor when done:
 * a failed read ends `out`, and `out` closed early (the client went away) stops the read.
 */
export function pipeGuarded(file: GuardedFile, out: Writable): void {
  const stream = file.handle.createReadStream({ start: 0, end: Math.max(0, file.size - 1), autoClose: true });
  stream.on('error', () => out.destroy());
  out.on('close', () => stream.destroy());
  stream.pipe(out);
}
