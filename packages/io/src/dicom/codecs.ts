/// <reference path="./codec-modules.d.ts" />
// Decoders of compressed frames, each loaded the first time its transfer syntax appears. The wasm codecs
// find their .wasm next to their emscripten glue (Node: by __dirname; a browser bundle passes locateFile).
import type { PixelEncoding } from './transfer-syntax.js';

/** The layout of one frame's decoded samples. */
export interface FrameFormat {
  rows: number;
  columns: number;
  bitsAllocated: number;
  samplesPerPixel: number;
  planarConfiguration: number;
}

type Decode = (encoded: Uint8Array, format: FrameFormat) => Promise<Uint8Array>;

let locateWasm: ((file: string) => string) | undefined;

/**
 * The .wasm file each wasm codec loads (the name its glue asks locateFile for), with the package export that
 * holds it: a page serves these files and locates them with setDicomWasmLocator.
 */
export const DICOM_WASM_FILES: Readonly<Record<string, string>> = {
  'charlswasm_decode.wasm': '@cornerstonejs/codec-charls/decodewasm',
  'openjpegwasm_decode.wasm': '@cornerstonejs/codec-openjpeg/decodewasm',
  'libjpegturbowasm_decode.wasm': '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
};

/** Where a browser serves the codecs' .wasm files (a name of DICOM_WASM_FILES -> URL); Node needs nothing. */
export function setDicomWasmLocator(locate: (file: string) => string): void {
  locateWasm = locate;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((err) => {
      loaded = undefined;
      throw err;
    });
    return loaded;
  };
}

type Factory = (options?: {
  locateFile?: (file: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}) => Promise<EmscriptenCodecModule>;

/** The factory of a CommonJS emscripten module as Node's and bundlers' interop hand it over. */
function factoryOf(mod: { default: unknown }): Factory {
  const inner = mod.default as Factory | { default: Factory };
  return typeof inner === 'function' ? inner : inner.default;
}

/** OpenJPEG reports progress on stdout: a library prints nothing, so the codecs' output is dropped. */
const quiet = () => {};

function instantiate(mod: { default: unknown }): Promise<EmscriptenCodecModule> {
  return factoryOf(mod)({ print: quiet, printErr: quiet, ...(locateWasm ? { locateFile: locateWasm } : {}) });
}

const charls = once(async () => instantiate(await import('@cornerstonejs/codec-charls/decodewasmjs')));
const openjpeg = once(async () => instantiate(await import('@cornerstonejs/codec-openjpeg/decodewasmjs')));
const libjpegTurbo = once(async () =>
  instantiate(await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')),
);
const jpegLossless = once(async () => {
  const mod = (await import('jpeg-lossless-decoder-js')) as unknown as {
    Decoder?: typeof import('jpeg-lossless-decoder-js').Decoder;
    default?: { Decoder: typeof import('jpeg-lossless-decoder-js').Decoder };
  };
  const Decoder = mod.Decoder ?? mod.default?.Decoder;
  if (Decoder === undefined) throw new Error('jpeg-lossless-decoder-js exports no Decoder');
  return Decoder;
});
const rle = once(async () => {
  const mod = (await import('@cornerstonejs/dicom-codec/src/codecs/rleLossless.js')) as unknown as {
    decode?: typeof import('@cornerstonejs/dicom-codec/src/codecs/rleLossless.js').decode;
    default?: { decode: typeof import('@cornerstonejs/dicom-codec/src/codecs/rleLossless.js').decode };
  };
  const decode = mod.decode ?? mod.default?.decode;
  if (decode === undefined) throw new Error('@cornerstonejs/dicom-codec has no RLE decode');
  return decode;
});

/** Runs one emscripten decoder over a frame and copies its output out of the wasm heap. */
function runEmscripten(decoder: EmscriptenDecoder, encoded: Uint8Array): Uint8Array {
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    return decoder.getDecodedBuffer().slice();
  } finally {
    decoder.delete();
  }
}

const DECODERS: Record<Exclude<PixelEncoding, 'native'>, Decode> = {
  'jpeg-ls': async (encoded) => runEmscripten(new (await charls()).JpegLSDecoder(), encoded),
  'jpeg-2000': async (encoded) => runEmscripten(new (await openjpeg()).J2KDecoder(), encoded),
  'jpeg-baseline': async (encoded) => runEmscripten(new (await libjpegTurbo()).JPEGDecoder(), encoded),
  'jpeg-lossless': async (encoded, format) => {
    const Decoder = await jpegLossless();
    const out = new Decoder().decode(encoded.buffer, encoded.byteOffset, encoded.length);
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    return format.bitsAllocated === 16 && out.BYTES_PER_ELEMENT === 1 ? widen8to16(bytes) : bytes;
  },
  rle: async (encoded, format) => {
    const decode = await rle();
    const { imageFrame } = await decode(encoded, format);
    return new Uint8Array(imageFrame.buffer, imageFrame.byteOffset, imageFrame.byteLength);
  },
};

/** 8-bit samples stored in a 16-bit frame: each becomes a little-endian 16-bit sample. */
function widen8to16(bytes: Uint8Array): Uint8Array {
  const out = new Uint16Array(bytes.length);
  out.set(bytes);
  return new Uint8Array(out.buffer);
}

/** The little-endian sample bytes of one compressed frame. */
export function decodeCompressedFrame(
  encoding: Exclude<PixelEncoding, 'native'>,
  encoded: Uint8Array,
  format: FrameFormat,
): Promise<Uint8Array> {
  return DECODERS[encoding](encoded, format);
}
