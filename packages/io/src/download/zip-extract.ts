import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isInsideFolder } from '@ct3d/core/node';
import { type Entry, getFileNameLowLevel, openPromise, type ZipFile } from 'yauzl';
import { crc32Update } from './crc32.js';
import { entryTargetPath, isArchiveLitter, isSymlinkEntry, unsafeEntryName } from './zip-entry-name.js';

/** The zip-bomb guards of extractZip. */
export interface ExtractLimits {
  /** Cap on the bytes one zip may write (default 64 GiB), counted as written, not from headers. */
  maxTotalBytes?: number;
  /** Cap on an entry's uncompressed/compressed size ratio (default 100; scans in zips are ~1). */
  maxRatio?: number;
}

/** Options of extractZip. */
export interface ExtractZipOptions extends ExtractLimits {
  zipPath: string;
  outDir: string;
  /** Class folder: entries not already under it are put under it. */
  folder?: string;
  /** After each entry, with the count of entries handled and the zip's entry count. */
  onEntry?: (outcome: EntryOutcome, done: number, total: number) => void;
}

/** What extractZip did with one entry of the zip. */
export interface EntryOutcome {
  entry: string;
  /** extracted; present (already there with the right size); ignored (folder or macOS litter); failed. */
  status: 'extracted' | 'present' | 'ignored' | 'failed';
  path?: string;
  bytes: number;
  reason?: string;
}

/** What extractZip wrote, skipped and refused. */
export interface ExtractResult {
  zip: string;
  entries: number;
  extracted: string[];
  present: string[];
  ignored: string[];
  failed: { entry: string; reason: string }[];
  /** Bytes written by this run. */
  bytes: number;
}

const GiB = 1024 ** 3;

/** Why an entry is refused before any byte is read, or undefined. */
function refusal(entry: Entry, name: string, maxRatio: number): string | undefined {
  const unsafe = unsafeEntryName(name);
  if (unsafe) return `${unsafe} (refused)`;
  if (isSymlinkEntry(entry.externalFileAttributes)) return 'symbolic link (refused)';
  if (!entry.canDecodeFileData()) {
    return entry.isEncrypted() ? 'encrypted' : `unsupported compression method ${entry.compressionMethod}`;
  }
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize > 0 && ratio > maxRatio) {
    return `compression ratio ${Math.round(ratio)} is over the cap of ${maxRatio} (zip bomb guard, refused)`;
  }
  return undefined;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** The path itself or its closest ancestor that exists. */
async function nearestExisting(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    if (
      await stat(p).then(
        () => true,
        () => false,
      )
    )
      return p;
    if (dirname(p) === p) return p;
  }
}

/** Streams one entry to a temp file beside the target, checking size and CRC, then renames it. */
async function writeEntry(zip: ZipFile, entry: Entry, target: string, budget: number): Promise<number> {
  const tmp = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const declared = entry.uncompressedSize;
  let written = 0;
  let crc = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      written += chunk.length;
      if (written > declared)
        return done(new Error(`inflates past its declared ${declared} bytes (refused)`));
      if (written > budget)
        return done(new Error(`passes the cap on bytes extracted from this zip (refused)`));
      crc = crc32Update(crc, chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(await zip.openReadStreamPromise(entry), guard, createWriteStream(tmp, { flags: 'wx' }));
    if (written !== declared) throw new Error(`has ${written} bytes, its header says ${declared}`);
    if (crc !== entry.crc32) throw new Error('CRC-32 mismatch (corrupt zip: delete it to download again)');
    await rename(tmp, target);
    return written;
  } catch (e) {
    await rm(tmp, { force: true });
    // yauzl's own size check can fire before ours; word it the same way.
    if (/too many bytes in the stream/.test((e as Error).message)) {
      throw new Error(`inflates past its declared ${declared} bytes (refused)`);
    }
    throw e;
  }
}

/**
 * Extracts a zip into outDir with yauzl (streaming, one entry at a time). Refuses absolute paths, `..`
 * and symlinks, caps the compression ratio and the bytes written, writes each file atomically, skips
 * files already there with the right size, and keeps going past bad entries (listed in `failed`).
 * Throws only when the zip cannot be opened.
 */
export async function extractZip(opts: ExtractZipOptions): Promise<ExtractResult> {
  const { maxTotalBytes = 64 * GiB, maxRatio = 100 } = opts;
  const zipName = basename(opts.zipPath);
  let zip: ZipFile;
  try {
    zip = await openPromise(opts.zipPath, { lazyEntries: true, decodeStrings: false });
  } catch (e) {
    // The download step skips a zip whose size matches, so without this hint every rerun fails the same way.
    throw new Error(
      `${zipName}: not a readable zip (${(e as Error).message}); delete ${opts.zipPath} to download it again`,
    );
  }
  const result: ExtractResult = {
    zip: opts.zipPath,
    entries: zip.entryCount,
    extracted: [],
    present: [],
    ignored: [],
    failed: [],
    bytes: 0,
  };
  await mkdir(opts.outDir, { recursive: true });
  const root = await realpath(opts.outDir);
  let done = 0;
  const report = (o: EntryOutcome) => opts.onEntry?.(o, ++done, zip.entryCount);
  // Output paths already claimed by an entry of this zip: a second entry of the same name is refused.
  const claimed = new Map<string, string>();
  try {
    for await (const entry of zip.eachEntry()) {
      // decodeStrings: false keeps yauzl from aborting the whole zip on one bad name; we judge each name.
      const name = getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        false,
      );
      const outcome = await extractEntry(
        zip,
        entry,
        name,
        root,
        opts.folder,
        maxRatio,
        maxTotalBytes - result.bytes,
        claimed,
      );
      if (outcome.status === 'extracted') {
        result.extracted.push(outcome.path!);
        result.bytes += outcome.bytes;
      } else if (outcome.status === 'present') result.present.push(outcome.path!);
      else if (outcome.status === 'ignored') result.ignored.push(name);
      else result.failed.push({ entry: name, reason: outcome.reason ?? 'failed' });
      report(outcome);
    }
  } catch (e) {
    // A broken central directory ends the listing; what was extracted stays.
    result.failed.push({ entry: '(zip directory)', reason: `${(e as Error).message} after ${done} entries` });
  } finally {
    zip.close();
  }
  return result;
}

async function extractEntry(
  zip: ZipFile,
  entry: Entry,
  name: string,
  root: string,
  folder: string | undefined,
  maxRatio: number,
  budget: number,
  claimed: Map<string, string>,
): Promise<EntryOutcome> {
  const failed = (reason: string): EntryOutcome => ({ entry: name, status: 'failed', bytes: 0, reason });
  const refused = refusal(entry, name, maxRatio);
  if (refused) return failed(refused);
  if (name.endsWith('/') || isArchiveLitter(name)) return { entry: name, status: 'ignored', bytes: 0 };
  const target = resolve(root, entryTargetPath(name, folder));
  if (!isInsideFolder(root, target) || target === root)
    return failed('path leaves the output folder (refused)');
  // Two entries of one name: the last would silently replace the first; the first is kept, this one refused.
  const first = claimed.get(target);
  if (first !== undefined)
    return failed(`duplicate of the earlier entry ${first} (same output path, refused)`);
  claimed.set(target, name);
  if ((await sizeOf(target)) === entry.uncompressedSize) {
    return { entry: name, status: 'present', path: target, bytes: 0 };
  }
  if (entry.uncompressedSize > budget)
    return failed('passes the cap on bytes extracted from this zip (refused)');
  try {
    // A symlinked folder already under the output folder must not carry files outside it.
    if (!isInsideFolder(root, await realpath(await nearestExisting(dirname(target))))) {
      return failed(`folder ${relative(root, dirname(target))} links outside the output folder (refused)`);
    }
    await mkdir(dirname(target), { recursive: true });
    const bytes = await writeEntry(zip, entry, target, budget);
    return { entry: name, status: 'extracted', path: target, bytes };
  } catch (e) {
    return failed((e as Error).message);
  }
}
