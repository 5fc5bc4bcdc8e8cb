// The single tfjs namespace of the project: core ops + layers, with the pure-JS 'cpu' backend always
// registered. Everything (kernels, trainer, CLI) imports tf from here so there is one tfjs engine.
import '@tensorflow/tfjs-backend-cpu';
import { findBackend, setBackend } from '@tensorflow/tfjs-core';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';

// tfjs-backend-cpu prints a banner on first use in Node recommending tfjs-node; initBackend('auto') already
// tries tfjs-node first and logs why it was not used, so the banner only adds noise to CLI output.
// cpu is made the current backend first: the engine replaces lazily created backend instances.
await setBackend('cpu');
const cpu = findBackend('cpu') as { firstUse?: boolean } | null;
if (cpu) cpu.firstUse = false;
