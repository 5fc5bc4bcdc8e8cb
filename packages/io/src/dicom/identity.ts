// Free text that may carry the patient's identity. ct3d keeps no patient attribute; it only uses them here,
// while a file is parsed, to drop a SeriesDescription that repeats one (staff sometimes type names there).
import type { DataSet } from 'dicom-parser';

/** Identifying attributes of PS3.15's basic profile that staff may copy into a description. */
const IDENTIFYING_TAGS = [
  'x00100010', // PatientName
  'x00100020', // PatientID
  'x00101000', // OtherPatientIDs
  'x00101001', // OtherPatientNames
  'x00100030', // PatientBirthDate
  'x00080050', // AccessionNumber
  'x00080080', // InstitutionName
  'x00080090', // ReferringPhysicianName
  'x00081050', // PerformingPhysicianName
  'x00200010', // StudyID
];

/** Tokens of 3+ characters of the identifying attributes (names split at ^, =, spaces and commas). */
function identityTokens(ds: DataSet): string[] {
  return IDENTIFYING_TAGS.flatMap((tag) => (ds.string(tag) ?? '').split(/[\^=\s,\\]+/))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length >= 3);
}

/** The SeriesDescription, or '' when it contains any identifying token of the same file. */
export function safeSeriesDescription(ds: DataSet, description: string): string {
  const lower = description.toLowerCase();
  return identityTokens(ds).some((t) => lower.includes(t)) ? '' : description;
}
