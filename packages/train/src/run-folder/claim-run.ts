// A run folder is a result a user may need: a new run refuses a folder that already holds one, unless told
// to continue it (--resume) or to replace it (--overwrite).
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FOLD_DIR_PATTERN, FOLD_FILES, RUN_FILES } from './layout.js';

const RUN_NAMES = new Set<string>([...Object.values(RUN_FILES), FOLD_FILES.summary]);

/** The names in `runDir` that belong to a run (run.json, best/, fold-2/, ...), in folder order. */
export async function runContents(runDir: string): Promise<string[]> {
  const names = await readdir(runDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw new Error(`${runDir}: cannot read the run folder (${err.code ?? err.message})`);
  });
  return names.filter((n) => RUN_NAMES.has(n) || FOLD_DIR_PATTERN.test(n)).sort();
}

/**
 * Throws when `runDir` already holds a run and the caller neither resumes nor overwrites it. Reads only:
 * a refused run leaves the folder as it was (or absent).
 */
export async function refuseExistingRun(
  runDir: string,
  how: { resume?: boolean; overwrite?: boolean },
): Promise<void> {
  if (how.resume || how.overwrite) return;
  const found = await runContents(runDir);
  if (found.length === 0) return;
  const shown = `${found.slice(0, 4).join(', ')}${found.length > 4 ? ', ...' : ''}`;
  throw new Error(
    `${runDir}: already holds a run (${shown}); continue it with --resume ${runDir}, or replace it with --overwrite`,
  );
}

/** Removes a previous run's files and folders from `runDir` (other files stay): a new run starts clean. */
export async function clearRun(runDir: string): Promise<void> {
  for (const name of await runContents(runDir))
    await rm(join(runDir, name), { recursive: true, force: true });
}
