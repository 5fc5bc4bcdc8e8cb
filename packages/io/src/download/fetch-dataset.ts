import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DatasetFile, datasetFileUrl, MOSMEDDATA_BASE_URL } from './datasets.js';
import { type DownloadedFile, downloadFile } from './http-download.js';
import { type EntryOutcome, type ExtractLimits, type ExtractResult, extractZip } from './zip-extract.js';

/** Options of fetchDataset. */
export interface FetchDatasetOptions {
  /** Scans land in `<outDir>/<class folder>/`, zips in `<outDir>/downloads/`. */
  outDir: string;
  files: DatasetFile[];
  /** A mirror holding the same file names (default: the seed's GitHub release). */
  baseUrl?: string;
  /** Download only (no extraction). */
  extract?: boolean;
  retries?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
  limits?: ExtractLimits;
  /** Told of progress and notices as they happen. */
  onEvent?: (event: FetchEvent) => void;
}

/** Progress and notices of fetchDataset. */
export type FetchEvent =
  | { type: 'downloadStart'; file: string; url: string; size?: number }
  | { type: 'downloadProgress'; file: string; bytes: number; total?: number }
  | { type: 'notice'; file: string; message: string }
  | { type: 'downloaded'; file: string; result: DownloadedFile }
  | { type: 'extractProgress'; file: string; outcome: EntryOutcome; done: number; total: number }
  | { type: 'extracted'; file: string; result: ExtractResult }
  | { type: 'fileFailed'; file: string; reason: string };

/** One file of fetchDataset: its download and its extraction, or the error. */
export interface FetchedFile {
  file: DatasetFile;
  download?: DownloadedFile;
  extract?: ExtractResult;
  /** Set when the download or the zip as a whole failed (one line, naming the file). */
  error?: string;
}

/** What fetchDataset did with each file; `ok` when every file was downloaded and extracted. */
export interface FetchDatasetResult {
  outDir: string;
  files: FetchedFile[];
  /** True when every download and every entry succeeded. */
  ok: boolean;
}

/**
 * Downloads each zip (resumable, verified) and extracts it into its class folder, one file after
 * another; a failed file is recorded and the next one still runs.
 */
export async function fetchDataset(opts: FetchDatasetOptions): Promise<FetchDatasetResult> {
  const downloads = join(opts.outDir, 'downloads');
  await mkdir(downloads, { recursive: true });
  const emit = opts.onEvent ?? (() => {});
  const files: FetchedFile[] = [];
  for (const file of opts.files) {
    const done: FetchedFile = { file };
    files.push(done);
    const url = datasetFileUrl(opts.baseUrl ?? MOSMEDDATA_BASE_URL, file);
    try {
      emit({ type: 'downloadStart', file: file.name, url, size: file.size });
      done.download = await downloadFile({
        url,
        dest: join(downloads, file.name),
        size: file.size,
        sha256: file.sha256,
        retries: opts.retries,
        retryDelayMs: opts.retryDelayMs,
        timeoutMs: opts.timeoutMs,
        onProgress: (bytes, total) => emit({ type: 'downloadProgress', file: file.name, bytes, total }),
        onNotice: (message) => emit({ type: 'notice', file: file.name, message }),
      });
      emit({ type: 'downloaded', file: file.name, result: done.download });
      if (opts.extract === false) continue;
      done.extract = await extractZip({
        zipPath: done.download.path,
        outDir: opts.outDir,
        folder: file.folder,
        ...opts.limits,
        onEntry: (outcome, n, total) =>
          emit({ type: 'extractProgress', file: file.name, outcome, done: n, total }),
      });
      emit({ type: 'extracted', file: file.name, result: done.extract });
    } catch (e) {
      done.error = (e as Error).message;
      emit({ type: 'fileFailed', file: file.name, reason: done.error });
    }
  }
  const ok = files.every((f) => !f.error && (f.extract?.failed.length ?? 0) === 0);
  return { outDir: opts.outDir, files, ok };
}
