import * as zlib from 'node:zlib';

/** CRC-32 (IEEE, as zip uses it): yauzl does not check it, so extraction does. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The table version, for Node releases without zlib.crc32 (added in 20.15 / 22.2). */
export function crc32UpdateJs(crc: number, bytes: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** Continues a CRC over more bytes: start with crc32Update(0, first), then feed the result back. */
export const crc32Update: (crc: number, bytes: Uint8Array) => number = native
  ? (crc, bytes) => native(bytes, crc)
  : crc32UpdateJs;
