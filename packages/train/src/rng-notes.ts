// run.json's notes on randomness and determinism (browser-safe: a tab's run.json carries them too).

/** How shuffling, augmentation, weight init and Dropout draw their random numbers (written to run.json). */
export const RNG_NOTES = {
  shuffleAugment:
    'derived per epoch: the order is createRng(mixSeed(seed, epoch)) and the rotation of the item at ' +
    'position p is mixSeed(seed, epoch, p); no RNG state carries over between epochs, so the epoch ' +
    'number is the whole RNG state a resume needs',
  weightInit: 'glorotUniform initializers seeded with seed + block index (used once, before epoch 1)',
  split: 'per class, sorted by source path, or shuffled with createRng(splitSeed + 7919 * classIndex)',
  dropout:
    'seeded: SeededDropout draws the mask of step s of epoch e from createRng(mixSeed(seed + 102, e, s)) ' +
    'in JavaScript, the same bits on every backend; a resume restores it from the epoch and step numbers',
  deterministic:
    'bit-identical when repeated or resumed with the same seed, data, settings and backend: cpu and wasm ' +
    '(tested: reproducible.test.ts, resume.test.ts); the BatchNorm pass (precise statistics) is a fixed ' +
    'in-order sample, deterministic too; on wasm also with the same conv thread count (tfjs.convThreads): ' +
    'a browser tab trains the same weights as Node with the same thread count: 1 thread (train-page.test.ts), ' +
    '2 threads when the page is cross-origin isolated (train-page-threads.test.ts)',
  notDeterministic:
    'webgpu (GPU reductions and atomics may sum in another order each run), tensorflow/tfjs-node ' +
    "(multi-threaded reductions), wasm with another conv thread count (2 threads split each conv's batch " +
    'and sum its bias gradient in another order: the last bits differ), and any comparison across backends ' +
    '(different summation order: close, not equal)',
} as const;
