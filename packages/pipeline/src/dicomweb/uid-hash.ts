// The series hash is io's (one hash for folder series names, PACS cache names and resume keys).
export { shortHash, uidHash } from '@ct3d/io/dicom';

/**
 * The series an earlier run finished, from any records that carry a `seriesHash` (e.g. cache manifest
 * entries): retrieveStudies skips them.
 */
export function doneSeriesHashes(records: Iterable<{ seriesHash?: string }>): Set<string> {
  const done = new Set<string>();
  for (const r of records) if (r.seriesHash) done.add(r.seriesHash);
  return done;
}
