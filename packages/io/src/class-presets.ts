import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { classNamesOf, DEFAULT_CLASSES, parseClassMap } from './discover.js';

/** Named class mappings for MosMedData folders (`ct3d ingest --classes seed|binary|severity`). */
export type ClassPresetName = 'seed' | 'binary' | 'severity';

/** A named mapping of MosMedData folders to labels. */
export interface ClassPreset {
  description: string;
  /** Folder -> label, in label order. */
  folders: Readonly<Record<string, number>>;
  /** Folders that must exist; the others are used when present. */
  required: readonly string[];
  /** At least this many distinct labels must have a folder. */
  minClasses: number;
  /** Close the gaps left by missing folders (labels stay consecutive, in the preset's order). */
  renumber: boolean;
}

const SEVERITY = ['CT-0', 'CT-1', 'CT-2', 'CT-3', 'CT-4'];

/** The class presets by name: `seed` (CT-0, CT-23), `binary` (CT-0 vs CT-1..4) and `severity` (CT-0..4). */
export const CLASS_PRESETS: Readonly<Record<ClassPresetName, ClassPreset>> = {
  seed: {
    description: "the seed's CT-0 (normal) = 0 vs CT-23 (ground-glass opacities) = 1",
    folders: DEFAULT_CLASSES,
    required: Object.keys(DEFAULT_CLASSES),
    minClasses: 2,
    renumber: false,
  },
  binary: {
    description:
      'full MosMedData, CT-0 (normal) = 0 vs CT-1..CT-4 (any finding) = 1; CT-1..4 folders used when present',
    folders: { 'CT-0': 0, 'CT-1': 1, 'CT-2': 1, 'CT-3': 1, 'CT-4': 1 },
    required: ['CT-0'],
    minClasses: 2,
    renumber: false,
  },
  severity: {
    description:
      'full MosMedData severity, CT-0..CT-4 = 0..4 (softmax head); missing folders drop out and the rest keep their order',
    folders: Object.fromEntries(SEVERITY.map((f, i) => [f, i])),
    required: [],
    minClasses: 2,
    renumber: true,
  },
};

/** Whether `spec` names a class preset (else it is a `FOLDER=LABEL` map). */
export function isClassPreset(spec: string): spec is ClassPresetName {
  return Object.hasOwn(CLASS_PRESETS, spec);
}

/** A resolved mapping: the folders to read and each label's name (index = label). */
export interface ClassMapping {
  classes: Record<string, number>;
  classNames: string[];
  /** The preset used, or null for an explicit FOLDER=LABEL map. */
  preset: ClassPresetName | null;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** A preset applied to the class folders that exist under `dir`. */
export async function applyClassPreset(dir: string, name: ClassPresetName): Promise<ClassMapping> {
  const preset = CLASS_PRESETS[name];
  const present: [string, number][] = [];
  for (const [folder, label] of Object.entries(preset.folders)) {
    if (await isDirectory(join(dir, folder))) present.push([folder, label]);
  }
  const found = present.length > 0 ? present.map(([f]) => f).join(', ') : 'none';
  const all = Object.keys(preset.folders).join(', ');
  const missing = preset.required.filter((f) => !present.some(([p]) => p === f));
  if (missing.length > 0) {
    throw new Error(
      `${dir}: --classes ${name} needs folder(s) ${missing.join(', ')} (looked for ${all}; found ${found})`,
    );
  }
  const labels = [...new Set(present.map(([, l]) => l))].sort((a, b) => a - b);
  if (labels.length < preset.minClasses) {
    throw new Error(
      `${dir}: --classes ${name} needs folders for at least ${preset.minClasses} classes (looked for ${all}; found ${found})`,
    );
  }
  const relabel = (l: number) => (preset.renumber ? labels.indexOf(l) : l);
  const classes = Object.fromEntries(present.map(([f, l]) => [f, relabel(l)]));
  return { classes, classNames: classNamesOf(classes), preset: name };
}

/**
 * What `--classes` means: a preset name (seed, binary, severity; resolved against the folders under `dir`),
 * or an explicit "FOLDER=LABEL,..." map (several folders may share a label). Undefined means the seed's map.
 */
export async function resolveClassMapping(dir: string, spec?: string): Promise<ClassMapping> {
  if (spec === undefined) return { ...mappingOf({ ...DEFAULT_CLASSES }), preset: 'seed' };
  const trimmed = spec.trim();
  if (isClassPreset(trimmed)) return applyClassPreset(dir, trimmed);
  if (!trimmed.includes('=')) {
    throw new Error(
      `--classes "${spec}" is neither a preset (${Object.keys(CLASS_PRESETS).join(', ')}) nor a FOLDER=LABEL map`,
    );
  }
  return { ...mappingOf(parseClassMap(trimmed)), preset: null };
}

function mappingOf(classes: Record<string, number>): Omit<ClassMapping, 'preset'> {
  return { classes, classNames: classNamesOf(classes) };
}
