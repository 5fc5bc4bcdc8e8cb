// QIDO-RS: the series of a study, and the studies matching a filter (application/dicom+json).
import { descriptionWithoutIdentity, IDENTIFYING_TAGS } from '@ct3d/io/dicom';
import { DicomwebError, openDicomweb, type RequestOptions } from './http.js';
import type { DicomwebServer } from './server.js';

/** One series of a study as QIDO-RS lists it (identifying descriptions dropped). */
export interface SeriesInfo {
  seriesUID: string;
  /**
   * SeriesDescription (0008,103E), '' when absent or when it repeats the patient's name, ID, accession
   * number or another identifying attribute the PACS lists with the series (as io drops it from a file).
   */
  description: string;
  /** Modality (0008,0060), '' when absent. */
  modality: string;
  /** NumberOfSeriesRelatedInstances (0020,1209), when the server gives it. */
  instances?: number;
}

type DicomJson = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

const TAG = {
  studyUID: '0020000D',
  seriesUID: '0020000E',
  description: '0008103E',
  modality: '00080060',
  instances: '00201209',
} as const;

function first(item: DicomJson, tag: string): unknown {
  return item[tag]?.Value?.[0];
}

async function queryJson(
  server: DicomwebServer,
  path: string,
  opts: RequestOptions,
  onBytes: (n: number) => void = () => {},
): Promise<DicomJson[]> {
  const { body } = await openDicomweb(server, path, 'application/dicom+json', onBytes, opts);
  const text = await new Response(body).text();
  // Some servers answer an empty match with 204 or an empty body.
  if (text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DicomwebError(`${server.display} answered a query with invalid JSON`, true);
  }
  if (!Array.isArray(parsed))
    throw new DicomwebError(`${server.display} answered a query with no array`, false);
  return parsed as DicomJson[];
}

/** Every string of a DICOM JSON attribute (a person name's Alphabetic, Ideographic and Phonetic parts too). */
function strings(item: DicomJson, tag: string): string[] {
  return (item[tag]?.Value ?? []).flatMap((v) =>
    typeof v === 'string' ? [v] : typeof v === 'object' && v !== null ? Object.values(v).map(String) : [],
  );
}

/**
 * The series of one study (QIDO-RS `studies/{study}/series`), asking for the identifying attributes too: a
 * description that repeats one is dropped here, before anything prints it or matches --series against it.
 */
export async function listStudySeries(
  server: DicomwebServer,
  studyUID: string,
  opts: RequestOptions = {},
): Promise<SeriesInfo[]> {
  const fields = IDENTIFYING_TAGS.map((tag) => `includefield=${tag}`).join('&');
  const items = await queryJson(server, `studies/${encodeURIComponent(studyUID)}/series?${fields}`, opts);
  return items.flatMap((item) => {
    const seriesUID = first(item, TAG.seriesUID);
    if (typeof seriesUID !== 'string' || seriesUID === '') return [];
    const count = Number(first(item, TAG.instances));
    return [
      {
        seriesUID,
        description: descriptionWithoutIdentity(
          String(first(item, TAG.description) ?? ''),
          IDENTIFYING_TAGS.flatMap((tag) => strings(item, tag)),
        ),
        modality: String(first(item, TAG.modality) ?? ''),
        ...(Number.isInteger(count) && count >= 0 ? { instances: count } : {}),
      },
    ];
  });
}

/** StudyInstanceUIDs of the studies matching QIDO-RS attribute filters, e.g. { ModalitiesInStudy: 'CT' }. */
export async function searchStudies(
  server: DicomwebServer,
  filter: Record<string, string>,
  opts: RequestOptions = {},
): Promise<string[]> {
  const query = new URLSearchParams(filter).toString();
  const items = await queryJson(server, `studies${query ? `?${query}` : ''}`, opts);
  return items.flatMap((item) => {
    const uid = first(item, TAG.studyUID);
    return typeof uid === 'string' && uid !== '' ? [uid] : [];
  });
}
