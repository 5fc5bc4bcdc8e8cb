// One DICOM series to an uncompressed NIfTI, as `ct3d convert <series> out.nii` does. bench:dicom bundles it and
// times it as a whole `node` process under /usr/bin/time, the way it times dcm2niix (start-up, read, write).
import { readDicomVolume, writeNifti } from '../packages/io/src/node.js';

const [series, out] = process.argv.slice(2);
await writeNifti(await readDicomVolume(series), out);
