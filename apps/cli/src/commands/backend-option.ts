import { BACKEND_NAMES, type BackendChoice, type BackendName, initBackend } from '@ct3d/model';
import { UsageError } from '../args.js';

export function parseBackend(text: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(text)) {
    throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got "${text}"`);
  }
  return text as BackendName;
}

/** Sets up the backend named by --backend for commands that run a trained model. */
export function initBackendOption(text: string): Promise<BackendChoice> {
  return initBackend(parseBackend(text));
}
