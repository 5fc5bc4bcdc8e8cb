import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32Update, crc32UpdateJs } from './crc32.js';

describe('crc32Update', () => {
  it('matches the zip CRC-32 check value, natively and in the table version, across chunks', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32Update(0, check)).toBe(0xcbf43926);
    expect(crc32UpdateJs(0, check)).toBe(0xcbf43926);
    const data = randomBytes(10_000);
    const whole = crc32UpdateJs(0, data);
    expect(crc32Update(crc32Update(0, data.subarray(0, 3333)), data.subarray(3333))).toBe(whole);
    expect(crc32UpdateJs(crc32UpdateJs(0, data.subarray(0, 17)), data.subarray(17))).toBe(whole);
  });
});
