import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';

describe('printable', () => {
  it('escapes newlines, escape codes and backslashes, keeps other text (accents, spaces) as it is', () => {
    expect(printable('scan 1.nii\ningested 99, all OK')).toBe('scan 1.nii\\u000aingested 99, all OK');
    expect(printable('\u001b[2K\rx\u009b.nii')).toBe('\\u001b[2K\\u000dx\\u009b.nii');
    expect(printable('a\\u000ab')).toBe('a\\\\u000ab');
    expect(printable('Lungé ct-0/é 1.nii.gz')).toBe('Lungé ct-0/é 1.nii.gz');
  });

  it('escapes bidirectional and other format characters, so a name prints in the order it is stored', () => {
    // "scan_\u202Ezg.iin.exe" shows as "scan_exe.nii.gz" on a terminal that honours the override.
    expect(printable('CT-0/scan_\u202ezg.iin.exe')).toBe('CT-0/scan_\\u202ezg.iin.exe');
    const formats = '\u200b\u200d\u200e\u200f\u202a\u202c\u2066\u2069\u061c\ufeff\u00ad';
    expect(printable(formats)).toBe(
      '\\u200b\\u200d\\u200e\\u200f\\u202a\\u202c\\u2066\\u2069\\u061c\\ufeff\\u00ad',
    );
    expect(printable('a\u2028b\u2029c\u007f')).toBe('a\\u2028b\\u2029c\\u007f');
  });

  it('escapes lone surrogates, astral format characters and unassigned code points; keeps emoji and CJK', () => {
    expect(printable('x\ud800y\udfffz')).toBe('x\\ud800y\\udfffz');
    expect(printable('tag\u{e0001}\u{e007f}')).toBe('tag\\u{e0001}\\u{e007f}');
    expect(printable('\u{10ffff}\ufffe')).toBe('\\u{10ffff}\\ufffe');
    expect(printable('肺 🫁 scan\u{f8ff}.nii')).toBe('肺 🫁 scan\u{f8ff}.nii');
  });
});
