// The PACS half of `ct3d ingest --dicomweb`: the labelled studies' series, fetched ahead of a consumer
// (decoding, preprocessing) that pulls them one at a time, each with its class.
import { BoundedQueue } from '../bounded-queue.js';
import type { SeriesInfo } from './qido.js';
import {
  type RetrieveStudiesOptions,
  type RetrieveSummary,
  retrieveStudies,
  type StudyRequest,
} from './retrieve-studies.js';
import type { StudyLabel } from './study-labels.js';

/** One fetched series with the label of its study, named by hashes (never a UID). */
export interface LabelledSeries {
  label: number;
  className: string;
  /** How messages name the study: "<labels file> line N". */
  ref: string;
  studyHash: string;
  seriesHash: string;
  seriesDescription: string;
  instances: Uint8Array[];
}

/** Options of fetchLabelledSeries. */
export interface FetchLabelledOptions
  extends Omit<RetrieveStudiesOptions, 'studies' | 'onSeries' | 'ignoreSeries'> {
  labels: StudyLabel[];
  /** The labels file as messages name it. */
  labelsFile: string;
  /** Class name -> label; default the classes in first-seen order (0, 1, ...). */
  classes?: Record<string, number>;
  /** Only series whose SeriesDescription matches (the CLI's --series REGEX). */
  seriesPattern?: RegExp;
  /** Modalities fetched (default CT): SR, SEG, PR, KO and other series are ignored with a line. */
  modalities?: string[];
}

/** Why a listed series is not fetched, or undefined. */
function ignoreReason(opts: FetchLabelledOptions): (s: SeriesInfo) => string | undefined {
  const modalities = new Set((opts.modalities ?? ['CT']).map((m) => m.toUpperCase()));
  return (s) => {
    if (s.modality && !modalities.has(s.modality.toUpperCase())) {
      return `modality ${s.modality}, not ${[...modalities].join('/')}`;
    }
    if (opts.seriesPattern && !opts.seriesPattern.test(s.description)) {
      return `SeriesDescription does not match ${opts.seriesPattern}`;
    }
    return undefined;
  };
}

/**
 * Yields each fetched series of the labelled studies with its label; fetching runs ahead of the consumer
 * by at most `concurrency` series. Failures arrive as onEvent 'failed' lines; the generator's return value
 * is the summary. Leaving the loop early stops the fetching.
 */
export async function* fetchLabelledSeries(
  opts: FetchLabelledOptions,
): AsyncGenerator<LabelledSeries, RetrieveSummary, undefined> {
  const classNames = [...new Set(opts.labels.map((l) => l.className))];
  const classes = opts.classes ?? Object.fromEntries(classNames.map((c, i) => [c, i]));
  const unknown = classNames.filter((c) => classes[c] === undefined);
  if (unknown.length > 0)
    throw new Error(`${opts.labelsFile}: classes not in the class map: ${unknown.join(', ')}`);
  const byStudy = new Map(opts.labels.map((l) => [l.studyUID, l]));
  const studies: StudyRequest[] = opts.labels.map((l) => ({
    studyUID: l.studyUID,
    ref: `${opts.labelsFile} line ${l.line}`,
  }));
  const queue = new BoundedQueue<LabelledSeries>(1);
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const running = retrieveStudies({
    ...opts,
    signal,
    studies,
    ignoreSeries: ignoreReason(opts),
    onSeries: async (s) => {
      const row = byStudy.get(s.study.studyUID) as StudyLabel;
      const taken = await queue.push({
        label: classes[row.className],
        className: row.className,
        ref: s.study.ref as string,
        studyHash: s.studyHash,
        seriesHash: s.seriesHash,
        seriesDescription: s.description,
        instances: s.instances,
      });
      // A closed queue: the consumer left the loop; the series is not done.
      if (!taken) signal.throwIfAborted();
    },
  }).then(
    (summary) => {
      queue.close();
      return summary;
    },
    (error: unknown) => {
      queue.fail(error);
      throw error;
    },
  );
  try {
    for await (const series of queue) yield series;
    return await running;
  } finally {
    stop.abort(new Error('fetchLabelledSeries: the consumer stopped'));
    queue.close();
    await running.catch(() => undefined);
  }
}
