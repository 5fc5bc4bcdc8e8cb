// @ct3d/pipeline/dicomweb: series from a PACS over DICOMweb (QIDO-RS lists, WADO-RS streams), for ingest.
export { DicomwebError, type RequestOptions, type RetryOptions, withRetries } from './http.js';
export {
  type DicomwebIngestEvent,
  type DicomwebIngestOptions,
  type DicomwebIngestSummary,
  ingestDicomweb,
} from './ingest-dicomweb.js';
export { type FetchLabelledOptions, fetchLabelledSeries, type LabelledSeries } from './labelled-series.js';
export { formatPacsProgress } from './progress-line.js';
export { listStudySeries, type SeriesInfo, searchStudies } from './qido.js';
export {
  type DicomwebEvent,
  type RetrievedSeries,
  type RetrieveStudiesOptions,
  type RetrieveSummary,
  retrieveStudies,
  type StudyRequest,
  studyName,
} from './retrieve-studies.js';
export { type DicomwebEnv, type DicomwebServer, dicomwebServer } from './server.js';
export { parseStudyLabels, type StudyLabel, type StudyLabels } from './study-labels.js';
export { doneSeriesHashes, shortHash, uidHash } from './uid-hash.js';
export { multipartBoundary, type RetrieveLimits, retrieveSeries, WADO_ACCEPT } from './wado.js';
