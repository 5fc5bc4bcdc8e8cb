// The codec packages ship no type declarations: these describe the parts ct3d calls.
interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned?: boolean;
  };
  decode(): void;
  delete(): void;
}
interface EmscriptenCodecModule {
  JpegLSDecoder: new () => EmscriptenDecoder;
  J2KDecoder: new () => EmscriptenDecoder;
  JPEGDecoder: new () => EmscriptenDecoder;
}
type EmscriptenFactory = (options?: {
  locateFile?: (file: string) => string;
}) => Promise<EmscriptenCodecModule>;

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: EmscriptenFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: EmscriptenFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: EmscriptenFactory;
  export default factory;
}
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    decode(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array | Uint16Array;
  }
}
declare module '@cornerstonejs/dicom-codec/src/codecs/rleLossless.js' {
  export function decode(
    frame: Uint8Array,
    info: {
      rows: number;
      columns: number;
      bitsAllocated: number;
      samplesPerPixel: number;
      planarConfiguration: number;
    },
  ): Promise<{ imageFrame: Int8Array }>;
}
