// Small synthetic CT series for the PACS tests, written by pacs-series.py (Debian python3-pydicom), with a
// planted patient identity (PLANTED_PATIENT_NAME / PLANTED_PATIENT_ID) that no ct3d output may contain.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const PLANTED_PATIENT_NAME = 'ZZTESTPATIENT^PLANTED';
export const PLANTED_PATIENT_ID = 'PLANTED-ID-4242';

export interface SeriesSpec {
  description: string;
  slices: number;
  /** Rows and columns (default 16). */
  size?: number;
  /** Modality (default CT). */
  modality?: string;
}

export interface WrittenInstance {
  file: string;
  study: string;
  series: string;
  sop: string;
  description: string;
}

const SCRIPT = fileURLToPath(new URL('./pacs-series.py', import.meta.url));

/** Writes the studies (each a list of series) under `dir`; UIDs are deterministic for a given seed. */
export async function writePacsSeries(
  dir: string,
  studies: SeriesSpec[][],
  seed = 'ct3d',
): Promise<WrittenInstance[]> {
  const spec = JSON.stringify({ seed, studies: studies.map((series) => ({ series })) });
  const python = process.env.CT3D_PYTHON ?? '/usr/bin/python3';
  const { stdout } = await promisify(execFile)(python, [SCRIPT, dir, spec]);
  return JSON.parse(stdout) as WrittenInstance[];
}
