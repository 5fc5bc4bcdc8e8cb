// The files of a pick or a drop, folders included (walked recursively through the File and Directory Entries
// API), each with its path inside the folder. Sorted by path, as `ct3d` lists a folder.
import type { SkippedFile } from '@ct3d/io/dicom';
import { errorText } from './error-text.js';
import type { DroppedFile } from './protocol.js';

export interface Gathered {
  files: DroppedFile[];
  /** Entries the browser could not read (the page lists them, it never drops them silently). */
  unreadable: SkippedFile[];
}

const byPath = (a: DroppedFile, b: DroppedFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const why = (err: unknown) => `cannot be read (${errorText(err)})`;

/** The files of a file input: several files, or a folder's (webkitdirectory) with their relative paths. */
export function pickedFiles(list: FileList | null): Gathered {
  const files = [...(list ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  return { files: files.sort(byPath), unreadable: [] };
}

async function walk(entry: FileSystemEntry, out: Gathered): Promise<void> {
  const path = entry.fullPath.replace(/^\//, '');
  try {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.files.push({ file, path });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries gives a folder in batches (100 in Chromium) until an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      );
      if (batch.length === 0) return;
      for (const child of batch) await walk(child, out);
    }
  } catch (err) {
    out.unreadable.push({ name: path, reason: why(err) });
  }
}

/**
 * The files of a drop, folders walked. Call it from the drop handler itself: a DataTransfer's items are
 * readable only until the handler returns (everything before the first await runs in it).
 */
export async function droppedFiles(data: DataTransfer): Promise<Gathered> {
  const entries = [...data.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((e) => e === null)) return pickedFiles(data.files);
  const out: Gathered = { files: [], unreadable: [] };
  for (const entry of entries as FileSystemEntry[]) await walk(entry, out);
  out.files.sort(byPath);
  return out;
}

/**
 * Makes `zone` take drops: highlighted (class `over`) while files hover, each drop's files (droppedFiles)
 * handed to `take`, and a drop that cannot be read to `fail` with one line.
 */
export function acceptDrops(
  zone: HTMLElement,
  take: (files: Gathered) => void,
  fail: (message: string) => void,
): void {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (!e.dataTransfer) return;
    droppedFiles(e.dataTransfer).then(take, (err: unknown) =>
      fail(`The drop could not be read: ${errorText(err)}`),
    );
  });
}
