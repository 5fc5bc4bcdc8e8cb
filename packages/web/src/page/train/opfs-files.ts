// The few private-file-system operations the training page's run folders use (workers and pages alike).

/** A folder of the private file system. */
export type Dir = FileSystemDirectoryHandle;

export const isNotFound = (err: unknown) => (err as { name?: string })?.name === 'NotFoundError';

/** Writes a file through a writable stream (written aside, moved over the name on close). */
export async function writeFile(dir: Dir, name: string, data: string | Uint8Array): Promise<void> {
  const stream = await (await dir.getFileHandle(name, { create: true })).createWritable();
  try {
    await stream.write(data as FileSystemWriteChunkType);
    await stream.close();
  } catch (err) {
    await stream.abort().catch(() => undefined);
    throw err;
  }
}

/** The file, or null where there is none. */
export async function readFile(dir: Dir, name: string): Promise<File | null> {
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** The folder (made where `create`), or null where there is none. */
export async function subfolder(dir: Dir, name: string, create = false): Promise<Dir | null> {
  try {
    return await dir.getDirectoryHandle(name, { create });
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** The folder's entries, name and handle. */
export async function entries(dir: Dir): Promise<[string, FileSystemHandle][]> {
  const all: [string, FileSystemHandle][] = [];
  for await (const entry of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) all.push(entry);
  return all;
}

/** The bytes of every file under `dir`. */
export async function folderBytes(dir: Dir): Promise<number> {
  let total = 0;
  for (const [, handle] of await entries(dir)) {
    total +=
      handle.kind === 'file'
        ? (await (handle as FileSystemFileHandle).getFile()).size
        : await folderBytes(handle as Dir);
  }
  return total;
}

/** A file's bytes. */
export const bytesOf = async (file: File) => new Uint8Array(await file.arrayBuffer());
