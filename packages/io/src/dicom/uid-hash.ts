// DICOM UIDs identify a patient's studies (PS3.15 de-identification replaces them), so ct3d never writes a
// raw Study or Series Instance UID: series names, cache manifests, resume keys and messages carry this hash.
// The one hash for all of them (folder and PACS ingest, the page): sha256, synchronous and browser-safe.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** sha256 (hex) of a UID, with a ct3d prefix so the hash is not a bare sha256 of the UID. */
export function uidHash(uid: string): string {
  return bytesToHex(sha256(utf8ToBytes(`ct3d-dicom-uid:${uid.trim()}`)));
}

/** The first 12 hex digits of a uidHash: what series names and messages show. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
