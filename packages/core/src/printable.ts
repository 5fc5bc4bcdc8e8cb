/**
 * Code points a terminal acts on instead of showing: C0/C1 controls and DEL (Cc: newline, ESC of a colour or
 * cursor code), format characters (Cf: U+202E RIGHT-TO-LEFT OVERRIDE shows a name reversed, zero-width
 * joiners hide text), lone surrogates (Cs), line/paragraph separators (Zl, Zp) and unassigned code points
 * (Cn: a newer Unicode's format character is unassigned in this runtime's tables). Private-use glyphs (Co,
 * icon fonts) are shown as they are.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]/u;

/**
 * Text safe to print on one terminal line, in the order it is stored: every character in UNPRINTABLE is
 * shown as a \u001b-style escape (\u{e0001} above U+FFFF) and a backslash as \\, so a file name or request
 * cannot split an error line, forge output (`x.nii\ningested 99, all OK`) or reorder what follows it.
 */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (!UNPRINTABLE.test(ch)) out += ch;
    else if (code > 0xffff) out += `\\u{${code.toString(16)}}`;
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}
