/** A user mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** "128x128x64" -> [128, 128, 64]; a single number N means NxNxN. */
export function parseSize(text: string, flag = '--size'): [number, number, number] {
  const parts = text.split('x').map((s) => Number(s));
  const dims = parts.length === 1 ? [parts[0], parts[0], parts[0]] : parts;
  if (dims.length !== 3 || dims.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new UsageError(`${flag} must look like WxHxD with positive integers, got "${text}"`);
  }
  return dims as [number, number, number];
}

/** "30:45" -> [30, 45]; "40" -> [40, 40]. */
export function parseRange(text: string, flag: string): [number, number] {
  const parts = text.split(':').map((s) => Number(s));
  const [lo, hi] = parts.length === 1 ? [parts[0], parts[0]] : parts;
  if (parts.length > 2 || !Number.isInteger(lo) || !Number.isInteger(hi) || lo <= 0 || hi < lo) {
    throw new UsageError(`${flag} must look like MIN:MAX with positive integers, got "${text}"`);
  }
  return [lo, hi];
}

export function parseIntOption(text: string, flag: string, min = 0): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer >= ${min}, got "${text}"`);
  return n;
}

export function parseNumberOption(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${text}"`);
  return n;
}

export function requireString(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}
