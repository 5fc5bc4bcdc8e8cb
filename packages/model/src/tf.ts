// The single tfjs namespace of the project: core ops + layers, with the pure-JS 'cpu' backend always
// registered. Everything (kernels, trainer, CLI) imports tf from here so there is one tfjs engine.
// Importing it changes no global state but the cpu backend's Node banner (off, ./quiet-cpu.ts):
// initBackend() chooses and sets the backend.
import './quiet-cpu.js';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
