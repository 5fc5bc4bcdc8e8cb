// Fetches every series of a list of studies from a DICOMweb server: QIDO-RS lists each study's series,
// WADO-RS streams them in with a bounded number in flight; failures are one line naming the study and the
// rest goes on; series whose hash is in `skipSeries` (finished by an earlier run) are not fetched again.
import { printable } from '@ct3d/core';
import { DicomwebError, type RetryOptions, withRetries } from './http.js';
import { listStudySeries, type SeriesInfo } from './qido.js';
import type { DicomwebServer } from './server.js';
import { shortHash, uidHash } from './uid-hash.js';
import { type RetrieveLimits, retrieveSeries } from './wado.js';

/** A study to retrieve, with a reference for messages (e.g. `labels.csv line 4`). */
export interface StudyRequest {
  studyUID: string;
  /** How messages name the study besides its hash, e.g. "labels.csv line 4" (never the UID itself). */
  ref?: string;
}

/** One retrieved series: its study's request, its listing and its Part-10 files. */
export interface RetrievedSeries {
  study: StudyRequest;
  studyHash: string;
  seriesHash: string;
  seriesUID: string;
  description: string;
  modality: string;
  /** The stored Part-10 files, in the order the server sent them. */
  instances: Uint8Array[];
  bytes: number;
}

/** What retrieveStudies reports as it goes. */
export type DicomwebEvent =
  | { type: 'listed'; studies: number; series: number; skipped: number }
  | {
      type: 'progress';
      seriesDone: number;
      seriesTotal: number;
      bytes: number;
      mbPerSec: number;
      /** Since retrieveStudies started. */
      elapsedMs: number;
    }
  | { type: 'seriesDone'; studyHash: string; seriesHash: string; instances: number; bytes: number }
  | { type: 'retry'; message: string }
  /** A listed series that ignoreSeries turned down: one line naming it and the reason. */
  | {
      type: 'ignored';
      message: string;
      subject: string;
      reason: string;
      studyHash: string;
      seriesHash: string;
    }
  /**
   * One line (`subject: reason`); studyHash is absent for a line about the whole run (studies not tried
   * after a 401). subject names the study (and series), or the server.
   */
  | {
      type: 'failed';
      message: string;
      subject: string;
      reason: string;
      studyHash?: string;
      seriesHash?: string;
    };

/** Options of retrieveStudies. */
export interface RetrieveStudiesOptions extends RetryOptions, RetrieveLimits {
  server: DicomwebServer;
  studies: StudyRequest[];
  /** uidHash values of series done by an earlier run: listed, counted as skipped, never fetched. */
  skipSeries?: ReadonlySet<string>;
  /** Why a listed series is not to be fetched (e.g. not CT), or undefined to fetch it (default: all). */
  ignoreSeries?: (series: SeriesInfo) => string | undefined;
  /** Series (and study listings) in flight at once (default 2). */
  concurrency?: number;
  idleTimeoutMs?: number;
  /**
   * Gets each fetched series; its slot stays taken until the returned promise settles, so a slow consumer
   * bounds memory. A throw is reported as that series' failure.
   */
  onSeries: (series: RetrievedSeries) => Promise<void> | void;
  /** Told of each event as it happens. */
  onEvent?: (event: DicomwebEvent) => void;
}

/** What retrieveStudies fetched, skipped and failed. */
export interface RetrieveSummary {
  studies: number;
  series: number;
  fetched: number;
  skipped: number;
  /** Series turned down by ignoreSeries. */
  ignored: number;
  /** One line each, naming the study (and series), without UIDs or credentials. */
  failed: string[];
  bytes: number;
  wallMs: number;
}

interface PlannedSeries {
  /** Study index, series index: orders the failures. */
  order: number[];
  study: StudyRequest;
  studyHash: string;
  info: SeriesInfo;
}

/** "labels.csv line 4 (study 1a2b3c4d5e6f)" or "study 1a2b3c4d5e6f". */
export function studyName(study: StudyRequest): string {
  const hash = `study ${shortHash(uidHash(study.studyUID))}`;
  return study.ref ? `${printable(study.ref)} (${hash})` : hash;
}

/** 'labels.csv line 4 (study 1a2b3c4d5e6f), series 0f1e2d3c4b5a "B70f"'. */
function seriesName(study: StudyRequest, seriesHash: string, info: SeriesInfo): string {
  return `${studyName(study)}, series ${shortHash(seriesHash)} "${printable(info.description)}"`;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function forEachLimited<T>(
  items: T[],
  limit: number,
  signal: AbortSignal | undefined,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      await work(items[next++]);
    }
  });
  await Promise.all(lanes);
}

/**
 * Lists the studies' series, then fetches them (at most `concurrency` in flight) and hands each to
 * onSeries. Failures are collected as one line each and the rest goes on; an aborted `signal` stops it all
 * (the returned promise rejects with the signal's reason).
 */
export async function retrieveStudies(opts: RetrieveStudiesOptions): Promise<RetrieveSummary> {
  const { server, concurrency = 2 } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`retrieveStudies: concurrency must be an integer >= 1, got ${concurrency}`);
  }
  const started = performance.now();
  // Failures in input order (study, then series as listed), whatever order the requests ended in.
  const failed: { order: number[]; line: string }[] = [];
  const emit = (event: DicomwebEvent) => opts.onEvent?.(event);
  const fail = (order: number[], who: string, why: string, studyHash?: string, seriesHash?: string) => {
    const oneLine = (text: string) => server.scrub(text).replace(/[\r\n]+/g, ' ');
    const [subject, reason] = [oneLine(who), oneLine(why)];
    const line = `${subject}: ${reason}`;
    failed.push({ order, line });
    emit({ type: 'failed', message: line, subject, reason, studyHash, seriesHash });
  };
  const retry: RetryOptions = {
    retries: opts.retries,
    retryDelayMs: opts.retryDelayMs,
    signal: opts.signal,
    onRetry: (message, attempt) => {
      opts.onRetry?.(message, attempt);
      emit({ type: 'retry', message: server.scrub(message) });
    },
  };
  const request = { idleTimeoutMs: opts.idleTimeoutMs, signal: opts.signal };
  // After a 401 the credentials are wrong for every request: trying on would only risk locking the
  // account, so the rest is not tried (and said so in one line).
  let refused = false;
  let studiesNotTried = 0;
  let seriesNotTried = 0;
  const noteRefusal = (error: unknown) => {
    if (error instanceof DicomwebError && error.status === 401) refused = true;
  };

  const planned: PlannedSeries[] = [];
  let skipped = 0;
  let ignored = 0;
  const indexed = opts.studies.map((study, index) => ({ study, index }));
  await forEachLimited(indexed, concurrency, opts.signal, async ({ study, index }) => {
    const studyHash = uidHash(study.studyUID);
    if (refused) {
      studiesNotTried++;
      return;
    }
    try {
      const list = await withRetries(() => listStudySeries(server, study.studyUID, request), retry);
      if (list.length === 0) {
        fail([index], studyName(study), 'the PACS lists no series for this study (not found)', studyHash);
        return;
      }
      for (const [i, info] of list.entries()) {
        const seriesHash = uidHash(info.seriesUID);
        const why = opts.ignoreSeries?.(info);
        if (why !== undefined) {
          ignored++;
          const subject = seriesName(study, seriesHash, info);
          const reason = `ignored, ${printable(why)}`;
          emit({ type: 'ignored', message: `${subject}: ${reason}`, subject, reason, studyHash, seriesHash });
        } else if (opts.skipSeries?.has(seriesHash)) skipped++;
        else planned.push({ order: [index, i], study, studyHash, info });
      }
    } catch (error) {
      opts.signal?.throwIfAborted();
      noteRefusal(error);
      fail([index], studyName(study), describe(error), studyHash);
    }
  });
  emit({ type: 'listed', studies: opts.studies.length, series: planned.length, skipped });

  let bytes = 0;
  let seriesDone = 0;
  let lastProgress = 0;
  const progress = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastProgress < 250) return;
    lastProgress = now;
    const seconds = (now - started) / 1000;
    const mbPerSec = seconds > 0 ? bytes / 1e6 / seconds : 0;
    emit({
      type: 'progress',
      seriesDone,
      seriesTotal: planned.length,
      bytes,
      mbPerSec,
      elapsedMs: now - started,
    });
  };
  progress(true);
  let fetched = 0;
  planned.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  await forEachLimited(planned, concurrency, opts.signal, async ({ order, study, studyHash, info }) => {
    const seriesHash = uidHash(info.seriesUID);
    const name = seriesName(study, seriesHash, info);
    if (refused) {
      seriesNotTried++;
      seriesDone++;
      return;
    }
    try {
      let received = 0;
      const instances = await withRetries(() => {
        bytes -= received; // a retried series counts its bytes once
        received = 0;
        return retrieveSeries(
          server,
          study.studyUID,
          info.seriesUID,
          (n) => {
            received += n;
            bytes += n;
            progress(false);
          },
          { ...request, maxInstanceBytes: opts.maxInstanceBytes, maxInstances: opts.maxInstances },
        );
      }, retry);
      if (instances.length === 0) throw new DicomwebError('the PACS sent no instances', false);
      await opts.onSeries({
        study,
        studyHash,
        seriesHash,
        seriesUID: info.seriesUID,
        description: info.description,
        modality: info.modality,
        instances,
        bytes: received,
      });
      fetched++;
      emit({ type: 'seriesDone', studyHash, seriesHash, instances: instances.length, bytes: received });
    } catch (error) {
      opts.signal?.throwIfAborted();
      noteRefusal(error);
      fail(order, name, describe(error), studyHash, seriesHash);
    }
    seriesDone++;
    progress(true);
  });
  if (studiesNotTried + seriesNotTried > 0) {
    const what = [
      studiesNotTried > 0 ? `${studiesNotTried} stud${studiesNotTried === 1 ? 'y' : 'ies'}` : '',
      seriesNotTried > 0 ? `${seriesNotTried} series` : '',
    ];
    const notTried = `${what.filter(Boolean).join(' and ')} not tried`;
    fail([Number.MAX_SAFE_INTEGER], notTried, `${server.display} refused the credentials (HTTP 401)`);
  }
  return {
    studies: opts.studies.length,
    series: planned.length + skipped,
    fetched,
    skipped,
    ignored,
    failed: failed
      .sort((a, b) => a.order[0] - b.order[0] || (a.order[1] ?? -1) - (b.order[1] ?? -1))
      .map((f) => f.line),
    bytes,
    wallMs: performance.now() - started,
  };
}

function describe(error: unknown): string {
  return printable(error instanceof Error ? error.message : String(error));
}
