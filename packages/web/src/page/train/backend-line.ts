// The training page's backend line: the backend, and for wasm its thread count and why (the page's isolation).
import type { FromTrainWorker } from './protocol.js';

/** E.g. "Training on wasm, 2 threads (cross-origin isolated): tfjs-backend-wasm with fast 3D kernels, ...". */
export function backendLine(m: Extract<FromTrainWorker, { type: 'backend' }>): string {
  if (m.name !== 'wasm') return `Training on ${m.name}: ${m.detail}`;
  const why = m.isolated
    ? 'cross-origin isolated'
    : 'not cross-origin isolated: serve the page with COOP/COEP headers for 2, e.g. `ct3d serve-web`';
  return `Training on wasm, ${m.threads} thread${m.threads === 1 ? '' : 's'} (${why}): ${m.detail}`;
}
