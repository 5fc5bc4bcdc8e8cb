/**
 * Text safe to print on one terminal line: C0/C1 control characters (newline, carriage return, ESC of a
 * colour or cursor code, DEL) are shown as \u001b-style escapes and a backslash as \\, so a file name or
 * request cannot split an error line or forge output (`x.nii\ningested 99, all OK`).
 */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}
