import { UsageError } from '../args.js';

/** --series REGEX: picks DICOM series by SeriesDescription (case-insensitive). */
export function parseSeriesOption(text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text, 'i');
  } catch (e) {
    throw new UsageError(`--series must be a regular expression (${(e as Error).message})`);
  }
}
