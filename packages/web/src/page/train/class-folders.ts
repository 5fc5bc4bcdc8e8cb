// Which class a dropped file belongs to: the folder right under the dropped one (`data/CT-0/a.nii.gz`: CT-0),
// as `ct3d ingest` reads a data folder of class folders. Labels follow the class folders' sorted names.

/** The path inside the dropped folder: the first folder is left out when every path starts with it and some go deeper. */
function inside(paths: readonly string[]): (path: string) => string[] {
  const parts = paths.map((p) => p.split('/'));
  const root = parts[0]?.[0];
  const stripRoot = parts.every((p) => p[0] === root) && parts.some((p) => p.length >= 3);
  return (path) => (stripRoot ? path.split('/').slice(1) : path.split('/'));
}

/** Class names (sorted) and, per path, its class's label or why it has none. */
export function classFolders(paths: readonly string[]): {
  classNames: string[];
  labelOf: (path: string) => { label: number; id: string } | { reason: string };
} {
  const rel = inside(paths);
  const names = [
    ...new Set(
      paths
        .map(rel)
        .filter((p) => p.length >= 2)
        .map((p) => p[0]),
    ),
  ].sort();
  return {
    classNames: names,
    labelOf: (path) => {
      const p = rel(path);
      if (p.length < 2)
        return { reason: 'not in a class folder (drop a folder holding one folder per class)' };
      return { label: names.indexOf(p[0]), id: p.join('/') };
    },
  };
}
