import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';

describe('printable', () => {
  it('escapes newlines, escape codes and backslashes, keeps other text (accents, spaces) as it is', () => {
    expect(printable('scan 1.nii\ningested 99, all OK')).toBe('scan 1.nii\\u000aingested 99, all OK');
    expect(printable('\u001b[2K\rx\u009b.nii')).toBe('\\u001b[2K\\u000dx\\u009b.nii');
    expect(printable('a\\u000ab')).toBe('a\\\\u000ab');
    expect(printable('Lungé ct-0/é 1.nii.gz')).toBe('Lungé ct-0/é 1.nii.gz');
  });
});
