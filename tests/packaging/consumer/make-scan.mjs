// Writes one small synthetic chest CT as .nii.gz (prints its path): the input of the other scripts.
import { writeNifti } from '@ct3d/io/node';
import { synthesizeChestCT } from '@ct3d/io/synthetic';

const volume = synthesizeChestCT({ size: 64, slices: 18, seed: 3, abnormal: true });
await writeNifti(volume, process.argv[2], { datatype: 'int16' });
console.log(JSON.stringify({ shape: volume.shape }));
