// The training worker's 'backend' message: the backend chosen, and for wasm its conv thread count and whether
// the page is cross-origin isolated (which decides it); a helper thread that could not start says why.
import { type BackendChoice, getConvThreads } from '@ct3d/model';
import type { FromTrainWorker } from './protocol.js';

export function backendMessage(choice: BackendChoice): Extract<FromTrainWorker, { type: 'backend' }> {
  const { name, warning } = choice;
  return {
    type: 'backend',
    name,
    detail: warning ? `${choice.detail} (${warning})` : choice.detail,
    threads: name === 'wasm' ? getConvThreads() : 1,
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
}
