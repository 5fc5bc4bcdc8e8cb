import { readFile } from 'node:fs/promises';

/** JSON.parse whose error names the file: "<file>: invalid JSON (Unterminated string ... position 19)". */
export function parseJsonOf(
  text: string,
  file: string,
  reviver?: (this: unknown, key: string, value: unknown) => unknown,
): unknown {
  try {
    return JSON.parse(text, reviver);
  } catch (err) {
    throw new Error(`${file}: invalid JSON (${(err as Error).message})`, { cause: err });
  }
}

/** A JSON file read and parsed; read and parse errors both name the file. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as { code?: string }).code ?? (err as Error).message})`, {
      cause: err,
    });
  }
  return parseJsonOf(text, file);
}
