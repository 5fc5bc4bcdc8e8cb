// The transfer syntaxes @ct3d/io/dicom reads, and how their pixels are stored.

export type PixelEncoding = 'native' | 'jpeg-baseline' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg-2000' | 'rle';

/** How the pixel data of a transfer syntax is stored and decoded. */
export interface TransferSyntax {
  name: string;
  encoding: PixelEncoding;
  /** Native pixel bytes are big endian (explicit VR big endian, retired but still met). */
  bigEndian?: boolean;
  /** The decoded values may differ from the scanner's (lossy compression). */
  lossy?: boolean;
}

/** The transfer syntaxes ct3d reads, by UID. */
export const TRANSFER_SYNTAXES: Readonly<Record<string, TransferSyntax>> = {
  '1.2.840.10008.1.2': { name: 'implicit VR little endian', encoding: 'native' },
  '1.2.840.10008.1.2.1': { name: 'explicit VR little endian', encoding: 'native' },
  '1.2.840.10008.1.2.1.99': { name: 'deflated explicit VR little endian', encoding: 'native' },
  '1.2.840.10008.1.2.2': { name: 'explicit VR big endian', encoding: 'native', bigEndian: true },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG baseline (8-bit)', encoding: 'jpeg-baseline', lossy: true },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG lossless (process 14)', encoding: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG lossless SV1', encoding: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS lossless', encoding: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS near-lossless', encoding: 'jpeg-ls', lossy: true },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 lossless', encoding: 'jpeg-2000' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', encoding: 'jpeg-2000', lossy: true },
  '1.2.840.10008.1.2.5': { name: 'RLE lossless', encoding: 'rle' },
};

export function transferSyntaxOf(uid: string): TransferSyntax | undefined {
  return Object.hasOwn(TRANSFER_SYNTAXES, uid) ? TRANSFER_SYNTAXES[uid] : undefined;
}
