import { readFile } from 'node:fs/promises';
import { parseJsonOf } from './json-text.js';

export { parseJsonOf } from './json-text.js';

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
