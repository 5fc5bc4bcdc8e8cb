// CRC-32 in plain JavaScript (no Node API): zip extraction's fallback in Node, the zip writer's in a browser.

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

/** CRC-32 continued over `bytes` (start with 0); Node's zlib.crc32 gives the same where it exists. */
export function crc32UpdateJs(crc: number, bytes: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
