// Labels from a CSV instead of class folders: rows `path,class` (or a DICOM series' StudyInstanceUID or
// SeriesInstanceUID), read and matched by @ct3d/io's code for `ct3d ingest --labels`. Paths are relative to
// the picked or dropped folder (or are the picked files' names); classes follow their first appearance.
import { assignLabels, parseLabelsCsv } from '@ct3d/io';

/** A scan of the drop as the labels see it: its path, its files' paths, a series' UIDs. */
export interface LabelledSource {
  path: string;
  files: readonly string[];
  studyInstanceUID?: string;
  seriesInstanceUID?: string;
}

/** Paths inside the dropped folder: its name left out when every path is under the same one. */
function insideDrop(paths: readonly string[]): (path: string) => string {
  const first = paths[0]?.split('/')[0];
  const strip = paths.length > 0 && paths.every((p) => p.includes('/') && p.split('/')[0] === first);
  return (path) => (strip ? path.slice(path.indexOf('/') + 1) : path);
}

/**
 * The classes of a labels CSV and each scan's label (by its path) or why it has none; `problems`: one line
 * per bad row or row naming no scan of the drop, each naming the CSV and its line.
 */
export function csvLabels(
  csv: { name: string; text: string },
  sources: readonly LabelledSource[],
): {
  classNames: string[];
  labelOf: (path: string) => { label: number; id: string } | { reason: string };
  problems: string[];
} {
  const parsed = parseLabelsCsv(csv.text, csv.name);
  const rel = insideDrop(sources.flatMap((s) => s.files));
  const candidates = sources.map((s) => ({ ...s, name: rel(s.path), files: s.files.map(rel) }));
  const { labelled, classNames, problems } = assignLabels(
    parsed.rows,
    candidates,
    csv.name,
    (key) => `${key} names no scan of the files given`,
  );
  const byPath = new Map(candidates.map((c) => [c.path, c]));
  return {
    classNames,
    problems: [...parsed.problems, ...problems],
    labelOf: (path) => {
      const c = byPath.get(path);
      const row = c && labelled.get(c);
      if (!c || !row) return { reason: `unlabelled: no row of ${csv.name} names it` };
      return { label: classNames.indexOf(row.className), id: c.name };
    },
  };
}
