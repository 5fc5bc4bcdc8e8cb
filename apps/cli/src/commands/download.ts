import { printable } from '@ct3d/core';
import { discoverScans } from '@ct3d/io/dataset';
import {
  type DatasetFile,
  datasetFileUrl,
  type FetchDatasetResult,
  type FetchEvent,
  fetchDataset,
  MOSMEDDATA_BASE_URL,
  MOSMEDDATA_FILES,
  selectDatasetFiles,
} from '@ct3d/io/download';
import { formatDuration, formatProgress } from '@ct3d/pipeline';
import { parseIntOption, requireString, UsageError } from '../args.js';
import type { ArgsOf } from '../command.js';
import { createProgress, type ProgressSink } from '../progress.js';
import type { downloadOptions } from './options.js';

export async function run({ values, given }: ArgsOf<typeof downloadOptions>): Promise<number> {
  const baseUrl = values['base-url'] ?? MOSMEDDATA_BASE_URL;
  if (!/^https?:\/\//.test(baseUrl))
    throw new UsageError(`--base-url must be an http(s) URL, got "${baseUrl}"`);
  if (values.list) {
    console.log(formatList(baseUrl));
    return 0;
  }
  if (given.has('set') && values.files !== undefined) {
    throw new UsageError('give --set or --files, not both');
  }
  let files: DatasetFile[];
  try {
    files = selectDatasetFiles({ set: values.set, files: values.files });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const outDir = requireString(values.out, '--out <dir>');
  console.error(
    `downloading ${files.map((f) => f.name).join(', ')} from ${printable(baseUrl)} into ${printable(outDir)}/downloads ` +
      '(interrupted downloads resume when re-run)',
  );
  const result = await fetchDataset({
    outDir,
    files,
    baseUrl,
    extract: !values['download-only'],
    retries: parseIntOption(values.retries, '--retries'),
    onEvent: reporter(createProgress()),
  });
  await printSummary(result, values['download-only']);
  if (values.json) console.log(JSON.stringify(result));
  return result.ok ? 0 : 1;
}

function formatList(baseUrl: string): string {
  return MOSMEDDATA_FILES.map((f) => {
    const size = f.size !== undefined ? `${f.size} bytes (from ${f.source})` : 'size unknown';
    return `${f.name.padEnd(10)} -> ${f.folder}/  ${f.description}; ${size}\n           ${datasetFileUrl(baseUrl, f)}`;
  }).join('\n');
}

const MB = 1e6;

/** "CT-0.zip [#####...] 251.3/1045.2 MB 38.2 MB/s ETA 21s"; rate counts this run's bytes only. */
export function formatDownloadProgress(
  file: string,
  bytes: number,
  total: number | undefined,
  startBytes: number,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? (bytes - startBytes) / (elapsedMs / 1000) : 0;
  const mb = (n: number) => (n / MB).toFixed(1);
  if (total === undefined) return `${file} ${mb(bytes)} MB ${mb(rate)} MB/s`;
  const width = 20;
  const filled = Math.round((Math.min(bytes, total) / Math.max(total, 1)) * width);
  const eta =
    bytes >= total ? 'ETA 0s' : rate > 0 ? `ETA ${formatDuration((total - bytes) / rate)}` : 'ETA --';
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  return `${file} ${bar} ${mb(bytes)}/${mb(total)} MB ${mb(rate)} MB/s ${eta}`;
}

/** Turns fetch events into a redrawn bar (at most ~5 redraws a second) and one-line notices. */
function reporter(progress: ProgressSink): (e: FetchEvent) => void {
  let started = 0;
  let startBytes: number | undefined;
  let lastDraw = 0;
  return (e) => {
    const now = performance.now();
    if (e.type === 'downloadStart') {
      started = now;
      startBytes = undefined;
      lastDraw = 0;
    } else if (e.type === 'downloadProgress') {
      startBytes ??= e.bytes;
      if (now - lastDraw < 200 && e.bytes !== e.total) return;
      lastDraw = now;
      progress.update(formatDownloadProgress(e.file, e.bytes, e.total, startBytes, now - started));
    } else if (e.type === 'notice') {
      progress.done(e.message);
    } else if (e.type === 'downloaded') {
      const r = e.result;
      const check = r.alreadyPresent
        ? 'already downloaded'
        : r.sizeChecked
          ? `size verified, ${((now - started) / 1000).toFixed(1)} s`
          : 'size NOT verified: the server sent no length';
      progress.done(`${e.file}: ${r.bytes} bytes, sha256 ${r.sha256} (${check})`);
      started = now;
    } else if (e.type === 'extractProgress') {
      if (e.outcome.status === 'failed') {
        progress.done(`failed ${e.file}: entry "${e.outcome.entry}": ${e.outcome.reason}`);
      }
      if (now - lastDraw < 200 && e.done !== e.total) return;
      lastDraw = now;
      const label = `extract ${e.file}`;
      progress.update(
        formatProgress({
          label,
          done: e.done,
          total: e.total,
          startedMs: started,
          nowMs: now,
          unit: 'files',
        }),
      );
    } else if (e.type === 'extracted') {
      const r = e.result;
      progress.done(
        `${e.file}: extracted ${r.extracted.length} files (${(r.bytes / MB).toFixed(1)} MB), ` +
          `${r.present.length} already there, ${r.ignored.length} ignored, ${r.failed.length} failed`,
      );
    } else if (e.type === 'fileFailed') {
      progress.done(`failed ${printable(e.reason)}`);
    }
  };
}

async function printSummary(result: FetchDatasetResult, downloadOnly: boolean): Promise<void> {
  const failedFiles = result.files.filter((f) => f.error);
  const failedEntries = result.files.flatMap((f) =>
    (f.extract?.failed ?? []).map((x) => `${f.file.name}: entry "${x.entry}": ${x.reason}`),
  );
  if (failedFiles.length + failedEntries.length > 0) {
    console.error(`${failedFiles.length} file(s) and ${failedEntries.length} zip entr(ies) failed:`);
    for (const f of failedFiles) console.error(`  ${printable(f.error ?? '')}`);
    for (const line of failedEntries) console.error(`  ${printable(line)}`);
  }
  const done = result.files.filter((f) => !f.error);
  if (downloadOnly || done.length === 0) return;
  const classes = Object.fromEntries(done.map((f, i) => [f.file.folder, i]));
  const found = await discoverScans(result.outDir, { classes });
  const counts = done.map(
    (f) => `${f.file.folder} ${found.scans.filter((s) => s.className === f.file.folder).length}`,
  );
  console.log(`scans in ${printable(result.outDir)}: ${counts.join(', ')}`);
  console.log(
    `next: ct3d ingest ${printable(result.outDir)} --out <cache-dir> (pick class folders with --classes)`,
  );
}
