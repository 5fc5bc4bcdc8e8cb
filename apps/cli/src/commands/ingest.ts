import { printable } from '@ct3d/core';
import {
  type ClassMapping,
  discoverLabelledScans,
  discoverScans,
  resolveClassMapping,
  type ScanEntry,
  type ScanList,
} from '@ct3d/io/dataset';
import { formatProgress, type IngestEvent, ingest } from '@ct3d/pipeline';
import { lastValueFrom, tap } from 'rxjs';
import { parseCommand, parseIntOption, parseSize, requireString, UsageError } from '../args.js';
import { createProgress } from '../progress.js';
import { parseSeriesOption } from './series-option.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    out: { type: 'string' },
    size: { type: 'string' },
    workers: { type: 'string' },
    classes: { type: 'string' },
    labels: { type: 'string' },
    series: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.labels && values.classes) throw new UsageError('--labels and --classes cannot be combined');
  const dataDir = requireString(positionals[0], '<data-dir>');
  const done = await runIngest({
    dataDir,
    cacheDir: requireString(values.out, '--out <cache-dir>'),
    size: values.size ? parseSize(values.size) : [128, 128, 64],
    workers: values.workers ? parseIntOption(values.workers, '--workers', 0, 1) : undefined,
    mapping: values.classes ? await resolveClassMapping(dataDir, values.classes) : undefined,
    labels: values.labels,
    series: parseSeriesOption(values.series),
    json: Boolean(values.json),
  });
  return done.failed.length > 0 ? 1 : 0;
}

export interface IngestRun {
  dataDir: string;
  cacheDir: string;
  size: [number, number, number];
  workers?: number;
  /** Class mapping (a preset or an explicit map, see resolveClassMapping); default the seed's CT-0/CT-23. */
  mapping?: ClassMapping;
  /** A CSV of "path or StudyInstanceUID or SeriesInstanceUID, class" rows (instead of class folders). */
  labels?: string;
  /** Keeps the DICOM series whose SeriesDescription matches. */
  series?: RegExp;
  json?: boolean;
}

/** The scans of the data folder: by class folders (the default) or by the labels CSV. */
async function findScans(opts: IngestRun): Promise<ScanList> {
  if (!opts.labels) {
    const found = await discoverScans(opts.dataDir, { ...opts.mapping, series: opts.series });
    if (opts.mapping) console.error(describeMapping(opts.mapping, found.scans));
    return found;
  }
  const found = await discoverLabelledScans(opts.dataDir, opts.labels, { series: opts.series });
  for (const p of found.problems) console.error(printable(p));
  const parts = found.classNames.map((name, label) => {
    const n = found.scans.filter((s) => s.label === label).length;
    return `${label} = ${name} ${n} scan${n === 1 ? '' : 's'}`;
  });
  console.error(printable(`classes (${opts.labels}): ${parts.join('; ')}`));
  return found;
}

type DoneEvent = Extract<IngestEvent, { type: 'done' }>;

/** Discover, ingest with a progress bar, report failures; shared by `ingest` and `demo`. */
export async function runIngest(opts: IngestRun): Promise<DoneEvent> {
  const found = await findScans(opts);
  for (const s of found.skipped) console.error(`skipped ${printable(s.path)}: ${printable(s.reason)}`);
  const progress = createProgress();
  let started = performance.now();
  let total = 0;
  let done: DoneEvent | undefined;
  const onEvent = (e: IngestEvent): void => {
    if (e.type === 'start') {
      started = performance.now();
      total = e.total;
      for (const t of e.removedTemps) {
        console.error(`removed unfinished file from an earlier run: ${printable(t)}`);
      }
    } else if (e.type === 'scanDone') {
      for (const w of e.warnings) console.error(`${printable(e.path)}: ${printable(w)}`);
    } else if (e.type === 'scanFailed') {
      // Names are escaped: a newline or terminal code in a file name cannot split the line or forge output.
      console.error(`failed ${printable(e.path)}: ${printable(e.reason)}`);
    } else if (e.type === 'done') {
      done = e;
      return;
    }
    const count = e.type === 'start' ? 0 : e.done;
    progress.update(
      formatProgress({ label: 'ingest', done: count, total, startedMs: started, nowMs: performance.now() }),
    );
  };
  await lastValueFrom(
    ingest({ scans: found.scans, cacheDir: opts.cacheDir, size: opts.size, workers: opts.workers }).pipe(
      tap(onEvent),
    ),
  );
  if (!done) throw new Error('ingest ended without a summary');
  progress.done(
    `ingested ${done.ingested}, already cached ${done.skipped}, failed ${done.failed.length} ` +
      `(${done.scansPerSec.toFixed(2)} scans/s) -> ${done.cacheDir}`,
  );
  if (done.failed.length > 0) {
    console.error(`${done.failed.length} scan(s) failed:`);
    for (const f of done.failed) console.error(`  ${printable(f.path)}: ${printable(f.reason)}`);
  }
  if (opts.json) console.log(JSON.stringify({ ...done, skippedFiles: found.skipped }));
  return done;
}

/** "classes (binary): 0 = CT-0 [CT-0] 254 scans; 1 = CT-1..4 [CT-1, CT-2, CT-3, CT-4] 856 scans". */
export function describeMapping(mapping: ClassMapping, scans: ScanEntry[]): string {
  const parts = mapping.classNames.map((name, label) => {
    const folders = Object.keys(mapping.classes).filter((f) => mapping.classes[f] === label);
    const n = scans.filter((s) => s.label === label).length;
    return `${label} = ${name} [${folders.join(', ')}] ${n} scan${n === 1 ? '' : 's'}`;
  });
  return `classes (${mapping.preset ?? 'explicit map'}): ${parts.join('; ')}`;
}
