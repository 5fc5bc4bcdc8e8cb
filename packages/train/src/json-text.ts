// JSON parsing whose errors name the file, browser-safe (json-file.ts reads the files in Node).

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
