// Where a series sits among the scans of a folder: its files' common folder joined with its name. `ct3d
// ingest` records it as the scan's path (the split sorts by it); a page computes the same from a drop's paths.

/** The series' scan path: the deepest folder holding all of `files`, then `seriesName` (`sep` separated). */
export function seriesScanPath(files: readonly string[], seriesName: string, sep = '/'): string {
  const parts = files.map((f) => f.split(sep).slice(0, -1));
  const first = parts[0] ?? [];
  let n = 0;
  while (n < first.length && parts.every((p) => p[n] === first[n])) n++;
  const folder = first.slice(0, n).join(sep);
  return folder === '' ? `${sep}${seriesName}` : `${folder}${sep}${seriesName}`;
}
