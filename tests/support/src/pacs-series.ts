// Small synthetic CT studies for the PACS tests, written by io's test-series.py (Debian python3-pydicom; the
// one generator of ct3d's test series), with a planted patient identity (PLANTED_PATIENT_NAME / _ID, and the
// generator's own birth date, accession number, institution, ...) that no ct3d output may contain.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const PLANTED_PATIENT_NAME = 'ZZTESTPATIENT^PLANTED';
export const PLANTED_PATIENT_ID = 'PLANTED-ID-4242';
/**
 * Every planted identifying value: what test-series.py plants in every file it writes (name, ID, birth date,
 * accession, institution, physician, study ID), and the name and ID it plants instead in PACS studies.
 * Tests search everything ct3d printed and wrote for each.
 */
export const PLANTED_IDENTITY = [
  PLANTED_PATIENT_NAME,
  ...PLANTED_PATIENT_NAME.split('^'),
  PLANTED_PATIENT_ID,
  'Zzplanted',
  'Xyzzy',
  'PID-QX7723',
  '19010203',
  'ACC-QX9981',
  'Qxplanted',
  'Drplanted',
  'STQX42',
];

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

const SCRIPT = fileURLToPath(new URL('../../../packages/io/src/dicom/test-series.py', import.meta.url));

/** Writes the studies (each a list of series) under `dir`; UIDs are deterministic for a given seed. */
export async function writePacsSeries(
  dir: string,
  studies: SeriesSpec[][],
  seed = 'ct3d',
): Promise<WrittenInstance[]> {
  const patient = { name: PLANTED_PATIENT_NAME, id: PLANTED_PATIENT_ID };
  const spec = JSON.stringify({ seed, patient, studies: studies.map((series) => ({ series })) });
  const python = process.env.CT3D_PYTHON ?? '/usr/bin/python3';
  const { stdout } = await promisify(execFile)(python, [SCRIPT, dir, 'studies', '--spec', spec]);
  return JSON.parse(stdout) as WrittenInstance[];
}
