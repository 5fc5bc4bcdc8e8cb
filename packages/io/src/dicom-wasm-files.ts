// Where the DICOM codecs' .wasm files are on disk: for tools that build or serve a page (Node only).
import { createRequire } from 'node:module';
import { DICOM_WASM_FILES } from './dicom/codecs.js';

const require = createRequire(import.meta.url);

/** Each of DICOM_WASM_FILES with its path in the codec's package. */
export function dicomWasmFilePaths(): { name: string; path: string }[] {
  return Object.entries(DICOM_WASM_FILES).map(([name, spec]) => ({ name, path: require.resolve(spec) }));
}
