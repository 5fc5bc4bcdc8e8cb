import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** True when `path` is `folder` or lies below it (both absolute, normalized: compare real paths). */
export function isInsideFolder(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** Real path of `path`, also for one that does not exist yet: its nearest existing folder's real path + the rest. */
export async function realPathOf(path: string): Promise<string> {
  const full = resolve(path);
  try {
    return await realpath(full);
  } catch {
    const parent = dirname(full);
    return parent === full ? full : join(await realPathOf(parent), basename(full));
  }
}

/** Options of walkFiles. */
export interface WalkOptions {
  /** Folders (as given; compared by real path) that links may lead into besides the walked one. */
  within?: readonly string[];
  /** Follow links whose real path leaves those folders too (find -L, rsync -L); default false. */
  followLinks?: boolean;
  /** Appended to the reason of a link not followed (e.g. which option follows it). */
  linkHint?: string;
  /** Folders not walked, by real path, with the reason reported (e.g. the command's own output folder). */
  exclude?: ReadonlyMap<string, string>;
}

/** What walkFiles found: the files, sorted, and what it skipped with the reason. */
export interface WalkResult {
  /** Files (and links that resolve to no folder, e.g. broken ones: their reader says why), sorted. */
  files: string[];
  /** What was not walked or listed, each with a one-line reason. */
  skipped: { path: string; reason: string }[];
}

interface WalkState {
  opts: WalkOptions;
  /** Real paths a link may lead into without followLinks. */
  roots: string[];
  /** Folders and files met, real path -> the path they were met at (each is listed once). */
  dirs: Map<string, string>;
  files: Map<string, string>;
  skipped: WalkResult['skipped'];
}

/**
 * Every file under `dir`, recursively: the one walk of the repository's folder readers. Links are followed
 * once (a loop or a second link to a folder or file already met is skipped with its reason); a link whose
 * real path leaves `dir` and `within` is skipped with its reason unless followLinks; an unreadable folder is
 * skipped with its reason and the walk goes on. Nothing is dropped silently.
 */
export async function walkFiles(dir: string, opts: WalkOptions = {}): Promise<WalkResult> {
  const roots = await Promise.all([dir, ...(opts.within ?? [])].map(realPathOf));
  const state: WalkState = { opts, roots, dirs: new Map(), files: new Map(), skipped: [] };
  const files = await walkFolder(dir, roots[0], state);
  return { files: files.sort(byPath), skipped: state.skipped };
}

const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function errorText(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ?? message ?? String(error);
}

/** An entry with its name decoded; `name` is undefined when the bytes are not UTF-8 (no string names it). */
interface Entry {
  dirent: Dirent<Buffer>;
  name: string | undefined;
  shown: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

function decodeName(dirent: Dirent<Buffer>): Entry {
  const shown = lossyUtf8.decode(dirent.name);
  try {
    return { dirent, name: strictUtf8.decode(dirent.name), shown };
  } catch {
    return { dirent, name: undefined, shown };
  }
}

async function walkFolder(dir: string, real: string, state: WalkState): Promise<string[]> {
  state.dirs.set(real, dir);
  let entries: Entry[];
  try {
    entries = (await readdir(dir, { withFileTypes: true, encoding: 'buffer' })).map(decodeName);
  } catch (error) {
    state.skipped.push({ path: dir, reason: `cannot read the folder (${errorText(error)}), not walked` });
    return [];
  }
  // Real entries first, links after: what a link repeats is then listed under its own path.
  const sorted = entries.sort(
    (a, b) =>
      Number(a.dirent.isSymbolicLink()) - Number(b.dirent.isSymbolicLink()) || byPath(a.shown, b.shown),
  );
  const files: string[] = [];
  for (const { dirent, name, shown } of sorted) {
    // A string path would name another file (U+FFFD for the bad bytes): reading it would fail with ENOENT.
    if (name === undefined) {
      const reason = 'its name is not valid UTF-8 (shown with U+FFFD): rename it to read it';
      state.skipped.push({ path: join(dir, shown), reason });
    } else {
      files.push(...(await visit(dirent, name, join(dir, name), real, state)));
    }
  }
  return files;
}

async function visit(
  entry: Dirent<Buffer>,
  name: string,
  path: string,
  parentReal: string,
  state: WalkState,
): Promise<string[]> {
  const link = entry.isSymbolicLink();
  const real = link ? await realpath(path).catch(() => undefined) : join(parentReal, name);
  // A broken or looping link counts as a file: its reader fails with the reason, it never silently vanishes.
  if (real === undefined) return [path];
  const { opts, roots, skipped } = state;
  if (link && !opts.followLinks && !roots.some((root) => isInsideFolder(root, real))) {
    const hint = opts.linkHint ? `; ${opts.linkHint}` : '';
    skipped.push({
      path,
      reason: `link to ${real}, outside ${roots[roots.length - 1]}: not followed${hint}`,
    });
    return [];
  }
  const isDir =
    entry.isDirectory() ||
    (link &&
      (await stat(path).then(
        (s) => s.isDirectory(),
        () => false,
      )));
  const excluded = isDir ? opts.exclude?.get(real) : undefined;
  if (excluded !== undefined) {
    skipped.push({ path, reason: excluded });
    return [];
  }
  const seen = isDir ? state.dirs.get(real) : state.files.get(real);
  if (seen !== undefined) {
    const what = isDir ? 'symlink loop or second link to the folder' : 'second link to the file';
    skipped.push({ path, reason: `${what} ${seen}, already listed` });
    return [];
  }
  if (isDir) return walkFolder(path, real, state);
  state.files.set(real, path);
  return [path];
}
