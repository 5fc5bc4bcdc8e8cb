// tfjs-backend-cpu greets Node with a banner recommending tfjs-node on its first tensor. ct3d chooses its
// backend itself (initBackend tries tfjs-node first and says why it was not used), so no path that loads
// tfjs through ./tf.ts prints it: each cpu backend the engine creates starts with the greeting already given.
import '@tensorflow/tfjs-backend-cpu';
import { engine, type KernelBackend } from '@tensorflow/tfjs-core';

function greeted<B>(backend: B): B {
  (backend as { firstUse?: boolean }).firstUse = false;
  return backend;
}

const cpu = engine().registryFactory.cpu;
if (cpu) {
  const make = cpu.factory;
  cpu.factory = () => {
    const made = make();
    return made instanceof Promise ? made.then(greeted) : greeted<KernelBackend>(made);
  };
}
// A cpu backend created before this module ran (tfjs used directly first) is quieted too.
if (engine().registry.cpu) greeted(engine().registry.cpu);
