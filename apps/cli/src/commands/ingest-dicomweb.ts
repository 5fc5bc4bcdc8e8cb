// `ct3d ingest --dicomweb <base-url> --labels labels.csv --out <cache>`: the labelled studies from a PACS into
// the cache, with a progress bar (series done of total, MB/s), one line per failure, all of them listed in
// <cache>/ingest-errors.txt. Credentials come from the environment and are never printed.
import { readFile } from 'node:fs/promises';
import type { TransformEntry } from '@ct3d/augment';
import { printable } from '@ct3d/core';
import { type IngestProblem, loadCache, problemLine, writeIngestErrors } from '@ct3d/pipeline';
import {
  type DicomwebIngestEvent,
  dicomwebServer,
  formatPacsProgress,
  ingestDicomweb,
  parseStudyLabels,
} from '@ct3d/pipeline/dicomweb';
import { UsageError } from '../args.js';
import { createProgress } from '../progress.js';

export interface DicomwebIngestRun {
  baseUrl: string;
  labels: string;
  cacheDir: string;
  size: [number, number, number];
  /** The recipe's preprocessing (`--transforms`; default the seed preset). */
  preprocess?: TransformEntry[];
  workers?: number;
  /** Series fetched at once (default 2). */
  concurrency?: number;
  series?: RegExp;
  json?: boolean;
}

/** Runs the PACS ingest; returns the exit code (1 when anything failed or a class has no series). */
export async function runDicomwebIngest(opts: DicomwebIngestRun): Promise<number> {
  const server = dicomwebServer(opts.baseUrl);
  const text = await readFile(opts.labels, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`${printable(opts.labels)}: cannot read the labels (${e.code ?? e.message})`);
  });
  const labels = parseStudyLabels(text, opts.labels);
  for (const line of labels.problems) console.error(line);
  if (labels.rows.length === 0) {
    throw new UsageError(
      `${printable(opts.labels)}: no study to fetch (expected "StudyInstanceUID,class" rows)`,
    );
  }
  const counts = labels.classNames.map((name, label) => {
    const n = labels.rows.filter((r) => r.className === name).length;
    return `${label} = ${printable(name)} ${n} stud${n === 1 ? 'y' : 'ies'}`;
  });
  console.error(`classes (${printable(opts.labels)}): ${counts.join('; ')}`);
  console.error(`fetching from ${printable(server.display)}`);

  const progress = createProgress();
  const problems: IngestProblem[] = [];
  const report = (p: IngestProblem) => {
    problems.push(p);
    progress.done();
    console.error(server.scrub(problemLine(p)));
  };
  const onEvent = (e: DicomwebIngestEvent) => {
    if (e.type === 'resumed') {
      for (const t of e.removedTemps)
        console.error(`removed unfinished file from an earlier run: ${printable(t)}`);
      if (e.cached > 0) console.error(`${e.cached} series cached by an earlier run: not fetched again`);
    } else if (e.type === 'progress') progress.update(formatPacsProgress(e));
    else if (e.type === 'failed') report({ kind: 'failed', path: e.subject, text: e.reason });
    else if (e.type === 'scanFailed') report({ kind: 'failed', path: e.path, text: e.reason });
    else if (e.type === 'ignored') report({ kind: 'skipped', path: e.subject, text: e.reason });
    else if (e.type === 'scanDone') {
      for (const text of e.warnings) report({ kind: 'warning', path: e.path, text });
    } else if (e.type === 'retry') console.error(`\nretrying: ${e.message}`);
  };
  const done = await ingestDicomweb({
    server,
    labels: labels.rows,
    labelsFile: opts.labels,
    seriesPattern: opts.series,
    concurrency: opts.concurrency,
    cacheDir: opts.cacheDir,
    size: opts.size,
    ...(opts.preprocess && { preprocess: opts.preprocess }),
    workers: opts.workers,
    onEvent,
  });
  // Copies refused at the end (same bytes as another series) have no live event.
  for (const f of done.failed) {
    if (!problems.some((p) => p.path === f.path)) report({ kind: 'failed', path: f.path, text: f.reason });
  }
  const mb = done.fetch.bytes / 1e6;
  progress.done(
    `ingested ${done.ingested}, already cached ${done.cached}, failed ${done.failed.length} ` +
      `(${mb.toFixed(1)} MB fetched in ${(done.wallMs / 1000).toFixed(1)} s) -> ${printable(done.cacheDir)}`,
  );
  const errorsFile = await writeIngestErrors(opts.cacheDir, problems);
  if (errorsFile !== undefined) {
    const count = (kind: IngestProblem['kind']) => problems.filter((p) => p.kind === kind).length;
    console.error(
      `${count('failed')} failed, ${count('skipped')} skipped, ${count('warning')} warnings: ` +
        `all listed in ${printable(errorsFile)}`,
    );
  }
  const manifest = await loadCache(opts.cacheDir);
  const emptyClasses = labels.classNames.flatMap((name, label) =>
    manifest.entries.some((e) => e.label === label)
      ? []
      : [
          `class ${label} (${printable(name)}) has no series in the cache: all its studies failed or were ignored`,
        ],
  );
  for (const line of emptyClasses) console.error(line);
  if (opts.json) {
    const { fetch, ...rest } = done;
    console.log(JSON.stringify({ ...rest, fetched: fetch.fetched, bytes: fetch.bytes, emptyClasses }));
  }
  return done.failed.length > 0 || emptyClasses.length > 0 ? 1 : 0;
}
