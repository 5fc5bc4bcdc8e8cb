// Free text that may carry the patient's identity. ct3d keeps no patient attribute; it only uses them here,
// while a file is parsed (or a PACS lists a series), to drop a SeriesDescription that repeats one (staff
// sometimes type names there).
import type { DataSet } from 'dicom-parser';

/** Identifying attributes of PS3.15's basic profile that staff may copy into a description (DICOM JSON keys). */
export const IDENTIFYING_TAGS = [
  '00100010', // PatientName
  '00100020', // PatientID
  '00101000', // OtherPatientIDs
  '00101001', // OtherPatientNames
  '00100030', // PatientBirthDate
  '00080050', // AccessionNumber
  '00080080', // InstitutionName
  '00080090', // ReferringPhysicianName
  '00081050', // PerformingPhysicianName
  '00200010', // StudyID
];

/**
 * The description, or '' when it contains a token (3+ characters; names split at ^, =, spaces, commas and
 * backslashes) of any of the identifying values.
 */
export function descriptionWithoutIdentity(description: string, identifying: readonly string[]): string {
  const lower = description.toLowerCase();
  const tokens = identifying
    .flatMap((value) => value.split(/[\^=\s,\\]+/))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length >= 3);
  return tokens.some((t) => lower.includes(t)) ? '' : description;
}

/** The SeriesDescription, or '' when it contains any identifying token of the same file. */
export function safeSeriesDescription(ds: DataSet, description: string): string {
  const values = IDENTIFYING_TAGS.map((tag) => ds.string(`x${tag.toLowerCase()}`) ?? '');
  return descriptionWithoutIdentity(description, values);
}
