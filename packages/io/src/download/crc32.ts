import * as zlib from 'node:zlib';
import { crc32UpdateJs } from '../crc32-js.js';

export { crc32UpdateJs } from '../crc32-js.js';

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** Continues a CRC over more bytes: start with crc32Update(0, first), then feed the result back. */
export const crc32Update: (crc: number, bytes: Uint8Array) => number = native
  ? (crc, bytes) => native(bytes, crc)
  : crc32UpdateJs;
