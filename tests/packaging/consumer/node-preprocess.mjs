// Reads a NIfTI file with @ct3d/io/node and runs the same preprocessing as the browser does.
import { readFile } from 'node:fs/promises';
import { readNifti } from '@ct3d/io/node';
import { preprocessBytes } from './preprocess-bytes.mjs';

const path = process.argv[2];
const fromFile = await readNifti(path);
const result = preprocessBytes(new Uint8Array(await readFile(path)));
console.log(JSON.stringify({ ...result, fileShape: fromFile.shape }));
