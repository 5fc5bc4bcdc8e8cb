// @ct3d/io/synthetic: MosMedData-like synthetic chest CTs. synthesizeChestCT is pure (browser too);
// writeSyntheticDataset writes class folders of .nii.gz files (Node).
export { type SynthesizeOptions, synthesizeChestCT, synthesizeWithMask } from '../synthetic.js';
export {
  MASK_SUFFIX,
  maskFileName,
  type SyntheticDatasetOptions,
  writeSyntheticDataset,
} from '../synthetic-dataset.js';
export { SYNTHETIC_FAMILIES, type SyntheticFamily } from './families.js';
