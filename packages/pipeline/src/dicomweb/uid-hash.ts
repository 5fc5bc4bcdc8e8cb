// DICOM UIDs identify a patient's studies (PS3.15 de-identification replaces them), so ct3d never writes a
// raw Study or Series Instance UID: the cache, the manifest and messages carry this hash instead.
import { createHash } from 'node:crypto';

/** sha256 (hex) of a UID, with a ct3d prefix so the hash is not a bare sha256 of the UID. */
export function uidHash(uid: string): string {
  return createHash('sha256').update(`ct3d-dicom-uid:${uid.trim()}`).digest('hex');
}

/** The first 12 hex digits of a uidHash: what names and messages show. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/**
 * The series an earlier run finished, from any records that carry a `seriesHash` (e.g. cache manifest
 * entries): retrieveStudies skips them.
 */
export function doneSeriesHashes(records: Iterable<{ seriesHash?: string }>): Set<string> {
  const done = new Set<string>();
  for (const r of records) if (r.seriesHash) done.add(r.seriesHash);
  return done;
}
