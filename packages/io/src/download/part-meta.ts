import { readFile } from 'node:fs/promises';

/** What the server said about the file when the `.part` download began (kept in `<dest>.part.json`). */
export interface PartMeta {
  url: string;
  etag?: string;
  lastModified?: string;
  total?: number;
}

export async function readPartMeta(path: string): Promise<PartMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(path, 'utf8')) as PartMeta;
    return typeof meta.url === 'string' ? meta : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The If-Range value that makes the server send the whole file (200) instead of a range when the file
 * changed: a strong ETag, else Last-Modified; none when the .part came from another URL.
 */
export function resumeValidator(meta: PartMeta | undefined, url: string): string | undefined {
  if (!meta || meta.url !== url) return undefined;
  if (meta.etag && !meta.etag.startsWith('W/')) return meta.etag;
  return meta.lastModified;
}

/** "bytes 100-199/1000" -> {start: 100, end: 199, total: 1000}; "bytes *\/1000" -> {total: 1000}. */
export function parseContentRange(
  header: string | undefined,
): { start?: number; end?: number; total?: number } | undefined {
  const m = header ? /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(header.trim()) : null;
  if (!m) return undefined;
  const total = m[3] === '*' ? undefined : Number(m[3]);
  return m[1] === undefined ? { total } : { start: Number(m[1]), end: Number(m[2]), total };
}
