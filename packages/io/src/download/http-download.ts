import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomic } from '@ct3d/core/node';
import { openUrl } from './http-request.js';
import { type PartMeta, parseContentRange, readPartMeta, resumeValidator } from './part-meta.js';
import { writeBody } from './write-body.js';

/** A download that failed for good: message "<file>: <reason>". */
export class DownloadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    /** A cut connection or a 5xx: worth another try. */
    readonly retryable = false,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'DownloadError';
  }
}

/** Options of downloadFile. */
export interface DownloadFileOptions {
  url: string;
  /** Final path; bytes stream into `<dest>.part` and are renamed once verified. */
  dest: string;
  /** Expected size in bytes when known; otherwise the server's length is checked. */
  size?: number;
  /** Expected SHA-256 (hex) when known. */
  sha256?: string;
  /** Tries after a failure that made no progress (default 5); a try that got bytes resets the count. */
  retries?: number;
  /** First retry delay, doubled each time (default 1000 ms). */
  retryDelayMs?: number;
  timeoutMs?: number;
  /** Bytes on disk so far and the full size when known (called for every chunk). */
  onProgress?: (bytes: number, total: number | undefined) => void;
  /** One-line notices: retries, a server that ignored Range, an unchecked size. */
  onNotice?: (message: string) => void;
}

/** A finished download: where it is, its size and SHA-256. */
export interface DownloadedFile {
  path: string;
  bytes: number;
  sha256: string;
  /** The file was already complete from an earlier run. */
  alreadyPresent: boolean;
  /** Bytes already on disk (from an interrupted run) when this run started. */
  resumedFrom: number;
  /** False when neither a known size nor the server's length could check the size. */
  sizeChecked: boolean;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** The SHA-256 of a file's bytes, hex, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Attempt {
  /** The server's full size, when it said. */
  total: number | undefined;
  /** Bytes this attempt appended. */
  received: number;
}

/** One request: resumes from the .part file's size, appends the body. Throws DownloadError. */
async function attemptOnce(opts: DownloadFileOptions, part: string, metaPath: string): Promise<Attempt> {
  const name = basename(opts.dest);
  const offset = (await fileSize(part)) ?? 0;
  const meta = offset > 0 ? await readPartMeta(metaPath) : undefined;
  if (opts.size !== undefined && offset > opts.size) {
    throw new DownloadError(
      name,
      `partial file ${part} has ${offset} bytes, more than the expected ${opts.size}`,
    );
  }
  if (opts.size !== undefined && offset === opts.size) return { total: opts.size, received: 0 };
  const headers: Record<string, string> = {};
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    const validator = resumeValidator(meta, opts.url);
    if (validator) headers['if-range'] = validator;
  }
  let opened: Awaited<ReturnType<typeof openUrl>>;
  try {
    opened = await openUrl(opts.url, headers, { timeoutMs: opts.timeoutMs });
  } catch (e) {
    throw new DownloadError(name, `${(e as Error).message} (${opts.url})`, true);
  }
  const res = opened.response;
  const status = res.statusCode ?? 0;
  const length = res.headers['content-length'] ? Number(res.headers['content-length']) : undefined;
  let start = 0;
  let total: number | undefined;
  if (status === 206) {
    const range = parseContentRange(res.headers['content-range']);
    if (!range || range.start !== offset) {
      res.destroy(); // never read a body we will not keep
      await truncate(part, 0);
      throw new DownloadError(
        name,
        `server answered a different range than bytes=${offset}-; restarting`,
        true,
      );
    }
    start = offset;
    total = range.total;
  } else if (status === 200) {
    total = length;
  } else if (status === 416) {
    res.destroy(); // never read a body we will not keep
    const range = parseContentRange(res.headers['content-range']);
    if (range?.total === offset) return { total: offset, received: 0 }; // the .part was already complete
    await truncate(part, 0);
    throw new DownloadError(name, `server refused the range bytes=${offset}-; restarting from 0`, true);
  } else {
    res.destroy(); // never read a body we will not keep
    const retryable = status === 408 || status === 429 || status >= 500;
    throw new DownloadError(name, `HTTP ${status} from ${opened.url}`, retryable);
  }
  if (opts.size !== undefined && total !== undefined && total !== opts.size) {
    res.destroy(); // never read a body we will not keep
    throw new DownloadError(
      name,
      `server reports ${total} bytes, expected ${opts.size}` +
        (offset > 0 ? ` (partial file kept at ${part})` : ''),
    );
  }
  if (status === 200 && offset > 0) {
    opts.onNotice?.(`${name}: the server ignored the Range request (or the file changed); restarting from 0`);
  }
  const limit = opts.size ?? total;
  // Take the body before any other await: a response cut meanwhile would drop its buffered bytes.
  const writing = writeBody(res, part, start > 0, (received) => {
    if (limit !== undefined && start + received > limit) {
      throw new DownloadError(name, `server sent more than ${limit} bytes (partial file kept at ${part})`);
    }
    opts.onProgress?.(start + received, limit);
  });
  if (start === 0 || !meta) {
    const fresh: PartMeta = {
      url: opts.url,
      etag: res.headers.etag,
      lastModified: res.headers['last-modified'],
    };
    try {
      await writeFileAtomic(metaPath, JSON.stringify({ ...fresh, total }));
    } catch (e) {
      res.destroy();
      await writing.catch(() => undefined);
      throw e;
    }
  }
  const { received, error } = await writing;
  if (error instanceof DownloadError) throw error;
  if (error) {
    const why = (error as NodeJS.ErrnoException).code ?? error.message;
    throw new DownloadError(name, `connection lost after ${start + received} bytes (${why})`, true);
  }
  return { total, received };
}

/**
 * Streams a URL to disk with resume (HTTP Range, If-Range on the ETag or Last-Modified), retries with
 * backoff, and a size (and SHA-256 when known) check before the `.part` file is renamed into place.
 * A wrong size or hash keeps the `.part` file and throws a DownloadError naming the file.
 */
export async function downloadFile(opts: DownloadFileOptions): Promise<DownloadedFile> {
  const name = basename(opts.dest);
  const part = `${opts.dest}.part`;
  const metaPath = `${opts.dest}.part.json`;
  const hashPath = `${opts.dest}.sha256`;
  const existing = await fileSize(opts.dest);
  if (existing !== undefined) {
    if (opts.size !== undefined && existing !== opts.size) {
      throw new DownloadError(
        name,
        `${opts.dest} has ${existing} bytes, expected ${opts.size}; delete it to fetch again`,
      );
    }
    const recorded = await readFile(hashPath, 'utf8').then(
      (t) => t.split(/\s/)[0],
      () => undefined,
    );
    const sha256 = opts.sha256 || !recorded ? await sha256File(opts.dest) : recorded;
    checkHash(name, sha256, opts.sha256, opts.dest);
    return {
      path: opts.dest,
      bytes: existing,
      sha256,
      alreadyPresent: true,
      resumedFrom: existing,
      sizeChecked: true,
    };
  }
  const resumedFrom = (await fileSize(part)) ?? 0;
  const { retries = 5, retryDelayMs = 1000 } = opts;
  let failures = 0;
  let attempt: Attempt;
  for (;;) {
    const before = (await fileSize(part)) ?? 0;
    try {
      attempt = await attemptOnce(opts, part, metaPath);
      break;
    } catch (e) {
      if (!(e instanceof DownloadError) || !e.retryable) throw e;
      // A try that got bytes resets the count, so a long download survives many separate cuts.
      failures = ((await fileSize(part)) ?? 0) > before ? 1 : failures + 1;
      if (failures > retries) {
        throw new DownloadError(
          name,
          `${e.reason}; gave up after ${retries} retries (partial file kept at ${part})`,
        );
      }
      const delay = retryDelayMs * 2 ** (failures - 1);
      opts.onNotice?.(`${e.message}; retry ${failures}/${retries} in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay);
    }
  }
  const bytes = (await fileSize(part)) ?? 0;
  const expected = opts.size ?? attempt.total;
  if (expected !== undefined && bytes !== expected) {
    throw new DownloadError(name, `got ${bytes} bytes, expected ${expected} (partial file kept at ${part})`);
  }
  if (expected === undefined) opts.onNotice?.(`${name}: the server gave no length, size not checked`);
  const sha256 = await sha256File(part);
  checkHash(name, sha256, opts.sha256, part);
  await rename(part, opts.dest);
  await writeFileAtomic(hashPath, `${sha256}  ${name}\n`);
  await rm(metaPath, { force: true });
  return {
    path: opts.dest,
    bytes,
    sha256,
    alreadyPresent: false,
    resumedFrom,
    sizeChecked: expected !== undefined,
  };
}

function checkHash(name: string, actual: string, expected: string | undefined, path: string): void {
  if (expected && actual !== expected.toLowerCase()) {
    throw new DownloadError(
      name,
      `SHA-256 ${actual} does not match the expected ${expected} (file kept at ${path})`,
    );
  }
}
