/** The Unix file-type bits in a zip entry's external attributes (when made on Unix). */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Why an entry name must not be written (absolute, drive letter, `..`, NUL), or undefined when it is safe. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name.includes('\0')) return 'NUL character in the name';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'absolute path';
  if (name.split('/').includes('..')) return '".." in the path';
  return undefined;
}

/** True for symlink entries (Info-ZIP stores the Unix mode in the high 16 bits). */
export function isSymlinkEntry(externalFileAttributes: number): boolean {
  return ((externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

/** macOS archive litter ("__MACOSX/", "._name") that would otherwise look like scans. */
export function isArchiveLitter(name: string): boolean {
  const parts = name.split('/');
  return parts[0] === '__MACOSX' || parts.some((p) => p.startsWith('._')) || parts.at(-1) === '.DS_Store';
}

/**
 * The path under the output folder: entries already inside `folder/` keep their path, others go into it
 * (so a zip without a top folder still lands in its class folder). "./" and empty segments are dropped.
 */
export function entryTargetPath(name: string, folder: string | undefined): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (folder && parts[0] !== folder) parts.unshift(folder);
  return parts.join('/');
}
