// DICOM files held as Blobs (a browser's dropped File objects; Node has Blob too): series from their headers
// alone, so a dropped folder is never in memory at once; a series' files are read whole when it is decoded.
import { type DicomInstance, HEADER_PREFIX_BYTES, hasDicomMagic, parseDicomFile } from './instance.js';
import { type DicomSeries, groupSeries, type SkippedFile } from './series.js';

/** A file a page was given (a dropped `File` or any `Blob`) and its name. */
export interface DicomBlob {
  /** The name errors and lists use: a path inside a dropped folder, or the file's name. */
  name: string;
  blob: Blob;
}

/** One series of dropped files, grouped from their headers; readBlobSeries reads its files whole. */
export interface DicomBlobSeries {
  /** The series from the headers: its instances are header-only (readFrame rejects). */
  series: DicomSeries;
  /** The file of each of series.instances, in the same order. */
  files: DicomBlob[];
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

async function headerOf(file: DicomBlob): Promise<DicomInstance | string> {
  const head = await bytesOf(file.blob.slice(0, HEADER_PREFIX_BYTES));
  if (!hasDicomMagic(head)) return 'not a DICOM file (no DICM prefix)';
  try {
    return parseDicomFile(head, file.name, { headerOnly: true });
  } catch (err) {
    // A header longer than the prefix (or a deflated file) is parsed from the whole file.
    if (head.length >= file.blob.size) throw err;
    return parseDicomFile(await bytesOf(file.blob), file.name, { headerOnly: true });
  }
}

/**
 * The CT series among DICOM files (see groupSeries), from their headers: files that are not DICOM, cannot be
 * parsed, or are no CT slice (localizer, SR, SEG, ...) go to `skipped` with the reason, never thrown.
 */
export async function readDicomBlobHeaders(
  files: readonly DicomBlob[],
): Promise<{ series: DicomBlobSeries[]; skipped: SkippedFile[] }> {
  const fileOf = new Map<DicomInstance, DicomBlob>();
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    try {
      const header = await headerOf(file);
      if (typeof header === 'string') skipped.push({ name: file.name, reason: header });
      else fileOf.set(header, file);
    } catch (err) {
      skipped.push({
        name: file.name,
        reason: (err as { reason?: string }).reason ?? (err as Error).message,
      });
    }
  }
  const grouped = groupSeries([...fileOf.keys()]);
  const series = grouped.series.map((s) => ({
    series: s,
    files: s.instances.map((i) => fileOf.get(i) as DicomBlob),
  }));
  return { series, skipped: [...skipped, ...grouped.skipped] };
}

/** Reads a series' files whole and parses them: instances whose frames can be read (readDicomSeries). */
export async function readBlobSeries({ series, files }: DicomBlobSeries): Promise<DicomSeries> {
  const instances: DicomInstance[] = [];
  for (const file of files) instances.push(parseDicomFile(await bytesOf(file.blob), file.name));
  return { ...series, instances };
}
