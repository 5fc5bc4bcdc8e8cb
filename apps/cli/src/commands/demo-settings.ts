/** Demo defaults: sized to finish in about 10 minutes on a 2-core CPU. */
export const DEMO = {
  perClass: 30,
  scanSize: 192,
  slices: [30, 45] as [number, number],
  size: '64x64x48',
  epochs: 10,
  // The seed's recipe; --lr and --batch let users try others.
  lr: 1e-4,
  batch: 2,
};
