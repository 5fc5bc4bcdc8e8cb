// Which files of a folder make which series (as dcm2niix groups them), and which files are no CT slice.
import type { DicomInstance } from './instance.js';
import { shortHash, uidHash } from './uid-hash.js';

/**
 * The instances of one series (one SeriesInstanceUID, image size and orientation), named without patient
 * data.
 */
export interface DicomSeries {
  seriesInstanceUID: string;
  studyInstanceUID: string;
  seriesDescription: string;
  modality: string;
  /** "<SeriesDescription>-<12 hex of the UID's uidHash>" with only [A-Za-z0-9._-]: a file name with no patient data. */
  name: string;
  /** [rows, columns] of every instance. */
  size: [number, number];
  instances: DicomInstance[];
}

/** A file that is no slice of a CT series, and why. */
export interface SkippedFile {
  name: string;
  reason: string;
}

/** Non-image objects that share folders with CT series, by SOP class UID prefix. */
const NON_IMAGE_CLASSES: [string, string][] = [
  ['1.2.840.10008.5.1.4.1.1.88.59', 'key object selection (KO)'],
  ['1.2.840.10008.5.1.4.1.1.88.', 'structured report (SR)'],
  ['1.2.840.10008.5.1.4.1.1.66.4', 'segmentation (SEG)'],
  ['1.2.840.10008.5.1.4.1.1.11.', 'presentation state (PR)'],
  ['1.2.840.10008.5.1.4.1.1.104.', 'encapsulated document'],
  ['1.2.840.10008.5.1.4.1.1.481.', 'radiotherapy object (RT)'],
];

/** Why an instance is no slice of a CT volume, or undefined when it is one. */
export function whyNotASlice(instance: DicomInstance): string | undefined {
  const nonImage = NON_IMAGE_CLASSES.find(([prefix]) => instance.sopClassUID.startsWith(prefix));
  if (nonImage) return `not an image: ${nonImage[1]}`;
  if (!instance.pixels) return 'not an image: no PixelData';
  if (instance.imageType.includes('LOCALIZER')) return 'localizer (scout) image, not a slice of the volume';
  if (instance.pixels.samplesPerPixel !== 1) {
    return `colour image (${instance.pixels.samplesPerPixel} samples per pixel), not a CT slice`;
  }
  if (instance.frames.length === 0) return `no slice geometry (${instance.noGeometry ?? 'unknown'})`;
  if (instance.seriesInstanceUID === '') return 'no SeriesInstanceUID';
  return undefined;
}

/**
 * A SeriesDescription made safe for file names and terminals: runs of anything but [A-Za-z0-9._-] become one
 * "_", at most 40 characters, never "." or "..". A description can hold a name typed by staff; the hash, not
 * the description, is what makes series names unique, and a caller that must show no free text uses the hash.
 */
export function safeDescription(description: string): string {
  const safe = description
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[_.]+|[_.]+$/g, '')
    .slice(0, 40);
  return safe === '' || /^\.+$/.test(safe) ? 'series' : safe;
}

function orientationKey(instance: DicomInstance): string {
  return instance.frames[0].orientation.map((v) => v.toFixed(3)).join(',');
}

/**
 * The CT series among parsed instances: grouped by SeriesInstanceUID, image size and orientation (one UID
 * holding two sizes or orientations gives two series, "-2" after the second's hash), in order of first
 * appearance. Instances that are no slice go to `skipped` with the reason.
 */
export function groupSeries(instances: readonly DicomInstance[]): {
  series: DicomSeries[];
  skipped: SkippedFile[];
} {
  const groups = new Map<string, DicomInstance[]>();
  const skipped: SkippedFile[] = [];
  for (const instance of instances) {
    const reason = whyNotASlice(instance);
    if (reason !== undefined) {
      skipped.push({ name: instance.name, reason });
      continue;
    }
    const { rows, columns } = instance.pixels ?? { rows: 0, columns: 0 };
    const key = `${instance.seriesInstanceUID}|${rows}x${columns}|${orientationKey(instance)}`;
    const group = groups.get(key);
    if (group) group.push(instance);
    else groups.set(key, [instance]);
  }
  const parts = new Map<string, number>();
  const series = [...groups.values()].map((members): DicomSeries => {
    const first = members[0];
    const part = (parts.get(first.seriesInstanceUID) ?? 0) + 1;
    parts.set(first.seriesInstanceUID, part);
    const tag = shortHash(uidHash(first.seriesInstanceUID)) + (part > 1 ? `-${part}` : '');
    return {
      seriesInstanceUID: first.seriesInstanceUID,
      studyInstanceUID: first.studyInstanceUID,
      seriesDescription: first.seriesDescription,
      modality: first.modality,
      name: `${safeDescription(first.seriesDescription)}-${tag}`,
      size: [first.pixels?.rows ?? 0, first.pixels?.columns ?? 0],
      instances: members,
    };
  });
  return { series, skipped };
}
