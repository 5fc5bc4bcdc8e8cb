// One frame's stored values: native pixels read in place, encapsulated ones through the codec of their syntax.
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { swapBytes } from '../byte-order.js';
import { decodeCompressedFrame } from './codecs.js';
import { DicomError } from './errors.js';
import type { TransferSyntax } from './transfer-syntax.js';

export interface PixelFormat {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  samplesPerPixel: number;
  planarConfiguration: number;
}

/** The compressed bytes of one frame of encapsulated PixelData. */
function encapsulatedFrame(ds: DataSet, el: Element, index: number, frameCount: number): Uint8Array {
  const fragments = el.fragments ?? [];
  if (frameCount === 1)
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
  if ((el.basicOffsetTable ?? []).length > 0) return dicomParser.readEncapsulatedImageFrame(ds, el, index);
  if (fragments.length === frameCount)
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, index, 1);
  const table = dicomParser.createJPEGBasicOffsetTable(ds, el);
  return dicomParser.readEncapsulatedImageFrame(ds, el, index, table);
}

/** A frame's stored values, as integers of the file's width and sign. */
export type Samples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

const ARRAYS = {
  1: [Uint8Array, Int8Array],
  2: [Uint16Array, Int16Array],
  4: [Uint32Array, Int32Array],
} as const;

/**
 * Stored values from sample bytes, as the format's signed or unsigned integers: a view on the bytes where
 * they are little endian and aligned (no copy), else a copy (big endian bytes swapped).
 */
function samples(
  bytes: Uint8Array,
  format: PixelFormat,
  from: 'native' | 'native-big-endian' | 'codec',
  file: string,
): Samples {
  const count = format.rows * format.columns * format.samplesPerPixel;
  const size = format.bitsAllocated / 8;
  if (size !== 1 && size !== 2 && size !== 4) {
    throw new DicomError(file, `BitsAllocated ${format.bitsAllocated} is not supported (8, 16 or 32)`);
  }
  if (bytes.length < count * size) {
    throw new DicomError(file, `pixel data holds ${bytes.length} bytes, a frame needs ${count * size}`);
  }
  const swap = from === 'native-big-endian' && size > 1;
  const aligned = bytes.byteOffset % size === 0 && !swap ? bytes : bytes.slice(0, count * size);
  if (swap) swapBytes(aligned, size);
  const SampleArray = ARRAYS[size][format.pixelRepresentation === 1 ? 1 : 0];
  const out = new SampleArray(aligned.buffer as ArrayBuffer, aligned.byteOffset, count);
  return from === 'codec' && size === 2 ? keepStoredBits(out as Int16Array | Uint16Array, format) : out;
}

/**
 * A codec's samples keep only their BitsStored bits, as DICOM defines them (and dcm2niix reads them): signed
 * ones are sign-extended from there (12-bit 0xF00 is -256), unsigned ones masked (a lossy JPEG 2000 overshoot
 * past 4095 wraps as in dcm2niix). Native pixels stay as stored.
 */
function keepStoredBits(out: Int16Array | Uint16Array, format: PixelFormat): Int16Array | Uint16Array {
  const bits = format.bitsStored;
  if (bits >= 16 || bits < 2) return out;
  if (format.pixelRepresentation === 1) {
    const shift = 32 - bits;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] << shift) >> shift;
  } else {
    const mask = (1 << bits) - 1;
    for (let i = 0; i < out.length; i++) out[i] &= mask;
  }
  return out;
}

/** The stored values of frame `index` (of frameCount) in row order. Errors are DicomError naming file. */
export async function framePixels(
  ds: DataSet,
  el: Element,
  format: PixelFormat,
  syntax: TransferSyntax,
  index: number,
  frameCount: number,
  file: string,
): Promise<Samples> {
  if (!(index >= 0 && index < frameCount)) throw new DicomError(file, `has no frame ${index + 1}`);
  if (format.samplesPerPixel !== 1) {
    throw new DicomError(file, `has ${format.samplesPerPixel} samples per pixel (colour): a CT needs 1`);
  }
  if (syntax.encoding === 'native') {
    const size = (format.rows * format.columns * format.bitsAllocated) / 8;
    const start = el.dataOffset + index * size;
    if (start + size > Math.min(ds.byteArray.length, el.dataOffset + el.length)) {
      throw new DicomError(file, `pixel data ends before frame ${index + 1} (truncated file?)`);
    }
    return samples(
      ds.byteArray.subarray(start, start + size),
      format,
      syntax.bigEndian ? 'native-big-endian' : 'native',
      file,
    );
  }
  try {
    const encoded = encapsulatedFrame(ds, el, index, frameCount);
    const bytes = await decodeCompressedFrame(syntax.encoding, encoded, format);
    return samples(bytes, format, 'codec', file);
  } catch (err) {
    if (err instanceof DicomError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new DicomError(file, `cannot decode ${syntax.name} frame ${index + 1} (${why.split('\n')[0]})`, {
      cause: err,
    });
  }
}
