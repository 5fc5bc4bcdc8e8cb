// Test support: everything ct3d printed or wrote, to search for a planted patient identity or a credential.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file under dir (recursively). */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

/**
 * The files under `dir` not under one of `inputs` (what the test gave ct3d), each as its path and its bytes
 * read as latin1 text (files over 50 MiB: the path only).
 */
export async function writtenTexts(
  dir: string,
  inputs: string[],
): Promise<{ files: string[]; texts: string[] }> {
  const files = (await filesUnder(dir)).filter((f) => !inputs.some((i) => f.startsWith(i)));
  const texts: string[] = [];
  for (const file of files) {
    texts.push(file);
    if ((await stat(file)).size < 50 * 1024 ** 2) texts.push((await readFile(file)).toString('latin1'));
  }
  return { files, texts };
}

/** The secrets (compared case-insensitively) found in any of the texts, with where: [] when none. */
export function leaks(texts: string[], secrets: string[]): string[] {
  const found: string[] = [];
  for (const [i, text] of texts.entries()) {
    const lower = text.toLowerCase();
    for (const s of secrets) if (lower.includes(s.toLowerCase())) found.push(`${s} in text ${i}`);
  }
  return found;
}
