// A preprocessing worker of the training page (one of the pool that preprocess-pool.ts starts from the
// training worker): preprocesses each job it is sent with preprocessScan, the recipe code of `ct3d ingest`,
// and hands the volume back with its voxels transferred, or the one-line reason it failed.
import { setDicomWasmLocator } from '@ct3d/io/dicom';
import { describeError } from '@ct3d/pipeline/browser';
import { WASM_FOLDER } from '../../manifest.js';
import { type PreprocessJob, preprocessScan } from './preprocess-scan.js';
import type { FromPreprocessWorker } from './protocol.js';

const scope = self as unknown as {
  postMessage(message: FromPreprocessWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<PreprocessJob>) => void) | null;
};
// A compressed series' codecs load their .wasm from the page's wasm/ folder (beside this script).
const wasm = new URL(WASM_FOLDER, self.location.href).href;
setDicomWasmLocator((file) => new URL(file, wasm).href);

scope.onmessage = ({ data: job }) => {
  preprocessScan(job).then(
    (volume) => scope.postMessage({ id: job.id, volume }, [volume.data.buffer]),
    (err: unknown) => scope.postMessage({ id: job.id, error: describeError(err) }),
  );
};
