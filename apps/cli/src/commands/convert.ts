import { printable } from '@ct3d/core';
import { readDicomVolume, writeNifti } from '@ct3d/io/node';
import type { ArgsOf } from '../command.js';
import type { convertOptions } from './options.js';
import { parseSeriesOption } from './series-option.js';

/** HU that are all whole numbers within int16 are stored as int16 (as dcm2niix does), else as float32. */
function fitsInt16(data: Float32Array): boolean {
  for (const v of data) if (!(Number.isInteger(v) && v >= -32768 && v <= 32767)) return false;
  return true;
}

export async function run({ values, positionals }: ArgsOf<typeof convertOptions>): Promise<number> {
  const [input, output] = positionals;
  const volume = await readDicomVolume(input, { series: parseSeriesOption(values.series) });
  for (const s of volume.skipped) console.error(`skipped ${printable(s.name)}: ${printable(s.reason)}`);
  const datatype = fitsInt16(volume.data) ? 'int16' : 'float32';
  // The header's description names the tool only: no DICOM text (which can hold a name) goes into it.
  await writeNifti(volume, output, { datatype, description: 'ct3d convert' });
  const lossy = volume.lossy ? ', from lossy-compressed DICOM' : '';
  console.log(
    `${printable(input)} -> ${printable(output)} (series ${volume.name}, ${volume.shape.join('x')}, ${datatype}${lossy})`,
  );
  return 0;
}
