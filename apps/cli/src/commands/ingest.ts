import type { TransformEntry } from '@ct3d/augment';
import { printable } from '@ct3d/core';
import {
  type ClassMapping,
  classNamesOf,
  DEFAULT_CLASSES,
  discoverLabelledScans,
  discoverScans,
  resolveClassMapping,
  type ScanEntry,
  type ScanList,
} from '@ct3d/io/dataset';
import {
  classesWithoutScans,
  createWorkerPool,
  formatProgress,
  type IngestEvent,
  type IngestProblem,
  ingest,
  type ProblemKind,
  problemLine,
  type WorkerPool,
  writeIngestErrors,
} from '@ct3d/pipeline';
import { lastValueFrom, tap } from 'rxjs';
import { parseIntOption, parseSize, requireString, UsageError } from '../args.js';
import type { ArgsOf } from '../command.js';
import { createProgress } from '../progress.js';
import { readIngestPreprocess } from '../recipe-option.js';
import { runDicomwebIngest } from './ingest-dicomweb.js';
import type { ingestOptions } from './options.js';
import { parseSeriesOption } from './series-option.js';

/** Problems of each kind (failed, skipped, warning) printed as they come; all of them go to ingest-errors.txt. */
const SHOWN_PER_KIND = 10;

export async function run({ values, positionals, given }: ArgsOf<typeof ingestOptions>): Promise<number> {
  const size = parseSize(values.size);
  const workers = values.workers === undefined ? undefined : parseIntOption(values.workers, '--workers', 1);
  if (values.labels && given.has('classes'))
    throw new UsageError('--labels and --classes cannot be combined');
  if (values.dicomweb !== undefined) {
    if (positionals.length > 0) throw new UsageError('--dicomweb takes no <data-dir>: the PACS is the data');
    if (given.has('classes') || values['follow-links'])
      throw new UsageError('--dicomweb takes its classes from --labels (no --classes, --follow-links)');
    const preprocess = await readIngestPreprocess(
      given.has('transforms') ? values.transforms : undefined,
      size,
    );
    return runDicomwebIngest({
      baseUrl: values.dicomweb,
      labels: requireString(values.labels, '--labels <labels.csv> (StudyInstanceUID,class rows)'),
      cacheDir: values.out,
      size,
      ...(preprocess && { preprocess }),
      workers,
      concurrency: parseIntOption(values.concurrency, '--concurrency', 1),
      series: parseSeriesOption(values.series),
      json: values.json,
    });
  }
  if (given.has('concurrency')) throw new UsageError('--concurrency is for --dicomweb');
  const dataDir = requireString(positionals[0], '<data-dir>');
  // --classes and --transforms not given: runIngest's defaults (the same seed presets), no class table printed.
  const preprocess = await readIngestPreprocess(
    given.has('transforms') ? values.transforms : undefined,
    size,
  );
  const done = await runIngest({
    dataDir,
    cacheDir: values.out,
    size,
    ...(preprocess && { preprocess }),
    workers,
    mapping: given.has('classes') ? await resolveClassMapping(dataDir, values.classes) : undefined,
    followLinks: values['follow-links'],
    labels: values.labels,
    series: parseSeriesOption(values.series),
    json: values.json,
  });
  return done.failed.length > 0 || done.emptyClasses.length > 0 ? 1 : 0;
}

export interface IngestRun {
  dataDir: string;
  cacheDir: string;
  size: [number, number, number];
  workers?: number;
  /** Class mapping (a preset or an explicit map, see resolveClassMapping); default the seed's CT-0/CT-23. */
  mapping?: ClassMapping;
  /** Follow links whose real path leaves the data folder (else each is skipped with its reason). */
  followLinks?: boolean;
  /** The recipe's preprocessing (`--transforms`; default the seed preset). */
  preprocess?: TransformEntry[];
  /** A CSV of "path or StudyInstanceUID or SeriesInstanceUID, class" rows (instead of class folders). */
  labels?: string;
  /** Keeps the DICOM series whose SeriesDescription matches. */
  series?: RegExp;
  json?: boolean;
}

/** The scans of the data folder, by class folders (the default) or by the labels CSV, and the class map. */
async function findScans(
  opts: IngestRun,
): Promise<{ found: ScanList; classes: Pick<ClassMapping, 'classes' | 'classNames'> }> {
  const walk = { followLinks: opts.followLinks, outputDir: opts.cacheDir, series: opts.series };
  if (!opts.labels) {
    const mapping = opts.mapping ?? { classes: DEFAULT_CLASSES, classNames: classNamesOf(DEFAULT_CLASSES) };
    const found = await discoverScans(opts.dataDir, { ...mapping, ...walk });
    if (opts.mapping) console.error(describeMapping(opts.mapping, found.scans));
    return { found, classes: mapping };
  }
  const found = await discoverLabelledScans(opts.dataDir, opts.labels, walk);
  for (const p of found.problems) console.error(printable(p));
  const parts = found.classNames.map((name, label) => {
    const n = found.scans.filter((s) => s.label === label).length;
    return `${label} = ${name} ${n} scan${n === 1 ? '' : 's'}`;
  });
  console.error(printable(`classes (${opts.labels}): ${parts.join('; ')}`));
  const classes = Object.fromEntries(found.classNames.map((name, label) => [name, label]));
  return { found, classes: { classes, classNames: found.classNames } };
}

type DoneEvent = Extract<IngestEvent, { type: 'done' }>;

export interface IngestSummary extends DoneEvent {
  /** Files found but not read as scans (not NIfTI, links out of the data folder, unreadable folders). */
  skippedFiles: { path: string; reason: string }[];
  /** `<cache>/ingest-errors.txt`: every failure, skip and warning; null when there were none. */
  errorsFile: string | null;
  /** One line per class with no scan in the cache (training needs every class). */
  emptyClasses: string[];
}

/** Prints the first SHOWN_PER_KIND problems of each kind and keeps all of them for the errors file. */
function problemPrinter() {
  const shown = new Map<ProblemKind, number>();
  let hidden = 0;
  return {
    print(p: IngestProblem): void {
      const n = shown.get(p.kind) ?? 0;
      if (n < SHOWN_PER_KIND) console.error(problemLine(p));
      else hidden++;
      shown.set(p.kind, n + 1);
    },
    get hidden() {
      return hidden;
    },
  };
}

/** Discover, ingest with a progress bar, report failures; shared by `ingest` and `demo`. */
export async function runIngest(opts: IngestRun): Promise<IngestSummary> {
  // The worker threads start (module loading, about half a second of CPU each) while the folder is walked.
  const pool = createWorkerPool({ workers: opts.workers });
  try {
    return await discoverAndIngest(opts, pool);
  } finally {
    await pool.close();
  }
}

async function discoverAndIngest(opts: IngestRun, pool: WorkerPool): Promise<IngestSummary> {
  const { found, classes } = await findScans(opts);
  const printer = problemPrinter();
  const skipped = found.skipped.map(
    (s): IngestProblem => ({ kind: 'skipped', path: s.path, text: s.reason }),
  );
  for (const p of skipped) printer.print(p);
  const warnings: IngestProblem[] = [];
  const printedFailures = new Set<string>();
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
      for (const text of e.warnings) {
        warnings.push({ kind: 'warning', path: e.path, text });
        printer.print(warnings[warnings.length - 1]);
      }
    } else if (e.type === 'scanFailed') {
      // Names are escaped: a newline or terminal code in a file name cannot split the line or forge output.
      printer.print({ kind: 'failed', path: e.path, text: e.reason });
      printedFailures.add(e.path);
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
    ingest({
      scans: found.scans,
      cacheDir: opts.cacheDir,
      size: opts.size,
      pool,
      ...(opts.preprocess && { preprocess: opts.preprocess }),
    }).pipe(tap(onEvent)),
  );
  if (!done) throw new Error('ingest ended without a summary');
  // Copies refused at the end (same bytes) have no live event: printed here, within the same bound.
  const failed = done.failed.map((f): IngestProblem => ({ kind: 'failed', path: f.path, text: f.reason }));
  for (const f of failed) if (!printedFailures.has(f.path)) printer.print(f);
  progress.done(
    `ingested ${done.ingested}, already cached ${done.skipped}, failed ${done.failed.length} ` +
      `(${done.scansPerSec.toFixed(2)} scans/s) -> ${printable(done.cacheDir)}`,
  );
  const errorsFile = await writeIngestErrors(opts.cacheDir, [...failed, ...skipped, ...warnings]);
  if (errorsFile !== undefined) {
    const shown = printer.hidden > 0 ? ` (the first ${SHOWN_PER_KIND} of each shown above)` : '';
    console.error(
      `${failed.length} failed, ${skipped.length} skipped, ${warnings.length} warnings${shown}: ` +
        `all listed in ${printable(errorsFile)}`,
    );
  }
  const emptyClasses = classesWithoutScans(classes.classes, classes.classNames, found.scans, done.failed);
  for (const line of emptyClasses) console.error(line);
  const summary = { ...done, skippedFiles: found.skipped, errorsFile: errorsFile ?? null, emptyClasses };
  if (opts.json) console.log(JSON.stringify(summary));
  return summary;
}

/** "classes (binary): 0 = CT-0 [CT-0] 254 scans; 1 = CT-1..4 [CT-1, CT-2, CT-3, CT-4] 856 scans". */
export function describeMapping(mapping: ClassMapping, scans: ScanEntry[]): string {
  const parts = mapping.classNames.map((name, label) => {
    const folders = Object.keys(mapping.classes).filter((f) => mapping.classes[f] === label);
    const n = scans.filter((s) => s.label === label).length;
    return `${label} = ${printable(name)} [${printable(folders.join(', '))}] ${n} scan${n === 1 ? '' : 's'}`;
  });
  return `classes (${mapping.preset ?? 'explicit map'}): ${parts.join('; ')}`;
}
