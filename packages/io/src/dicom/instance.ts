// One DICOM Part-10 file's facts (dicom-parser reads it): the identity of its series, the geometry of each of
// its frames, and lazy access to its pixels. No patient attribute is kept.
import dicomParser, { type DataSet } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { DicomError } from './errors.js';
import { safeSeriesDescription } from './identity.js';
import { framePixels, type PixelFormat, type Samples } from './pixels.js';
import { transferSyntaxOf } from './transfer-syntax.js';

export type Vec3 = [number, number, number];

/** Where one frame lies and how its stored values become Hounsfield units. */
export interface FrameGeometry {
  /** ImagePositionPatient: the centre of the first pixel, LPS mm. */
  position: Vec3;
  /** ImageOrientationPatient: row direction then column direction (LPS). */
  orientation: [number, number, number, number, number, number];
  /** PixelSpacing: [between rows, between columns] mm. */
  pixelSpacing: [number, number];
  slope: number;
  intercept: number;
}

/** One parsed DICOM file: UIDs, geometry and lazily decoded pixels; no patient attribute is kept. */
export interface DicomInstance {
  /** The name errors and lists use (a path, or what the caller gave). */
  name: string;
  sopClassUID: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  /** SeriesDescription; '' when it repeats a patient name, ID, birth date, accession number or institution. */
  seriesDescription: string;
  modality: string;
  imageType: string[];
  transferSyntaxUID: string;
  /** Rows, columns and sample layout; undefined without PixelData. */
  pixels: PixelFormat | undefined;
  /** One entry per frame; empty when the file holds no pixels or no geometry. */
  frames: FrameGeometry[];
  /** Why the frames have no geometry, when they have none. */
  noGeometry?: string;
  /** Gantry/detector tilt in degrees (0 when absent). */
  gantryTilt: number;
  /** The stored values of one frame, in row order (first row first). */
  readFrame(index: number): Promise<Samples>;
}

const T = {
  sopClass: 'x00080016',
  imageType: 'x00080008',
  modality: 'x00080060',
  seriesDescription: 'x0008103e',
  gantryTilt: 'x00181120',
  study: 'x0020000d',
  series: 'x0020000e',
  position: 'x00200032',
  orientation: 'x00200037',
  frames: 'x00280008',
  samplesPerPixel: 'x00280002',
  planar: 'x00280006',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  pixelRepresentation: 'x00280103',
  intercept: 'x00281052',
  slope: 'x00281053',
  pixelData: 'x7fe00010',
  sharedGroups: 'x52009229',
  perFrameGroups: 'x52009230',
  planePosition: 'x00209113',
  planeOrientation: 'x00209116',
  pixelMeasures: 'x00289110',
  valueTransform: 'x00289145',
} as const;

/** dicom-parser's hook for deflated files: the header bytes, then the inflated rest. */
function inflateRest(bytes: Uint8Array, position: number): Uint8Array {
  const rest = inflateSync(bytes.subarray(position));
  const whole = new Uint8Array(position + rest.length);
  whole.set(bytes.subarray(0, position));
  whole.set(rest, position);
  return whole;
}

function numbers(ds: DataSet | undefined, tag: string, count: number): number[] | undefined {
  if (ds?.elements[tag] === undefined) return undefined;
  const values = Array.from({ length: count }, (_, i) => ds.floatString(tag, i));
  return values.every((v) => v !== undefined && Number.isFinite(v)) ? (values as number[]) : undefined;
}

function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/** Geometry from a data set, else from the functional groups that hold it in a multi-frame file. */
function frameGeometry(sources: (DataSet | undefined)[]): FrameGeometry | string {
  const pick = (tag: string, count: number, groupTag: string) => {
    for (const ds of sources) {
      const direct = numbers(ds, tag, count) ?? numbers(firstItem(ds, groupTag), tag, count);
      if (direct) return direct;
    }
    return undefined;
  };
  const position = pick(T.position, 3, T.planePosition);
  const orientation = pick(T.orientation, 6, T.planeOrientation);
  const spacing = pick(T.pixelSpacing, 2, T.pixelMeasures);
  if (!position) return 'no ImagePositionPatient';
  if (!orientation) return 'no ImageOrientationPatient';
  if (!spacing || spacing.some((s) => !(s > 0))) return 'no valid PixelSpacing';
  const slope = pick(T.slope, 1, T.valueTransform)?.[0] ?? 1;
  const intercept = pick(T.intercept, 1, T.valueTransform)?.[0] ?? 0;
  return {
    position: position as Vec3,
    orientation: orientation as FrameGeometry['orientation'],
    pixelSpacing: spacing as [number, number],
    slope: slope === 0 ? 1 : slope,
    intercept,
  };
}

function parse(bytes: Uint8Array, name: string, headerOnly: boolean): DataSet {
  try {
    const untilTag = headerOnly ? { untilTag: T.pixelData } : {};
    return dicomParser.parseDicom(bytes, { inflater: inflateRest, ...untilTag });
  } catch (err) {
    // dicom-parser throws strings, Errors, or {exception, dataSet} objects.
    const thrown = err as { exception?: unknown; message?: unknown };
    const why = String(thrown?.exception ?? thrown?.message ?? err);
    throw new DicomError(name, `not a readable DICOM Part-10 file (${why.split('\n')[0]})`, { cause: err });
  }
}

// The readers are made outside parseDicomFile's scope: a closure there would keep the parsed bytes alive.
function headerOnlyReader(name: string): DicomInstance['readFrame'] {
  return async () => {
    throw new DicomError(name, 'was parsed for its header only: parse it whole to read pixels');
  };
}

function frameReader(
  ds: DataSet,
  pixels: PixelFormat | undefined,
  transferSyntaxUID: string,
  frameCount: number,
  name: string,
): DicomInstance['readFrame'] {
  return async (index) => {
    const pixelElement = ds.elements[T.pixelData];
    if (!pixels || !pixelElement) throw new DicomError(name, 'has no PixelData');
    const syntax = transferSyntaxOf(transferSyntaxUID);
    if (!syntax) throw new DicomError(name, `unsupported transfer syntax ${transferSyntaxUID || '(none)'}`);
    return framePixels(ds, pixelElement, pixels, syntax, index, frameCount, name);
  };
}

/**
 * Parses one Part-10 file held in memory. Pixels are decoded only when readFrame is called. `headerOnly`
 * stops before PixelData (bytes may then be just the file's start) and keeps no reference to the bytes:
 * readFrame rejects. Errors are DicomError naming `name`.
 */
export function parseDicomFile(
  bytes: Uint8Array,
  name = '<bytes>',
  opts: { headerOnly?: boolean } = {},
): DicomInstance {
  const headerOnly = opts.headerOnly === true;
  const ds = parse(bytes, name, headerOnly);
  const text = (tag: string) => ds.string(tag)?.trim() ?? '';
  const transferSyntaxUID = text('x00020010');
  const pixelElement = ds.elements[T.pixelData];
  const rows = ds.uint16(T.rows) ?? 0;
  const columns = ds.uint16(T.columns) ?? 0;
  const pixels: PixelFormat | undefined =
    pixelElement && rows > 0 && columns > 0
      ? {
          rows,
          columns,
          bitsAllocated: ds.uint16(T.bitsAllocated) ?? 16,
          bitsStored: ds.uint16(T.bitsStored) ?? 16,
          pixelRepresentation: ds.uint16(T.pixelRepresentation) ?? 0,
          samplesPerPixel: ds.uint16(T.samplesPerPixel) ?? 1,
          planarConfiguration: ds.uint16(T.planar) ?? 0,
        }
      : undefined;
  const frameCount = pixels ? Math.max(1, ds.intString(T.frames) ?? 1) : 0;
  const shared = firstItem(ds, T.sharedGroups);
  const perFrame = ds.elements[T.perFrameGroups]?.items;
  const frames: FrameGeometry[] = [];
  let noGeometry: string | undefined;
  for (let f = 0; f < frameCount && noGeometry === undefined; f++) {
    const geometry = frameGeometry([perFrame?.[f]?.dataSet, shared, ds]);
    if (typeof geometry === 'string') noGeometry = frameCount > 1 ? `frame ${f + 1}: ${geometry}` : geometry;
    else frames.push(geometry);
  }
  return {
    name,
    sopClassUID: text(T.sopClass),
    studyInstanceUID: text(T.study),
    seriesInstanceUID: text(T.series),
    seriesDescription: safeSeriesDescription(ds, text(T.seriesDescription)),
    modality: text(T.modality),
    imageType: text(T.imageType)
      .split('\\')
      .map((s) => s.trim().toUpperCase()),
    transferSyntaxUID,
    pixels,
    frames: noGeometry === undefined ? frames : [],
    ...(noGeometry === undefined ? {} : { noGeometry }),
    gantryTilt: ds.floatString(T.gantryTilt) ?? 0,
    readFrame: headerOnly
      ? headerOnlyReader(name)
      : frameReader(ds, pixels, transferSyntaxUID, frameCount, name),
  };
}

/** A DICOM Part-10 file starts with a 128-byte preamble and "DICM". */
export function hasDicomMagic(head: Uint8Array): boolean {
  return (
    head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d
  );
}

/** Bytes read to parse a header: a CT slice's header is a few KiB; longer ones are read whole. */
export const HEADER_PREFIX_BYTES = 256 * 1024;
