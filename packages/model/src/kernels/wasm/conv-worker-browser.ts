// A page's conv helper (conv-helper-browser.ts starts it): the shared protocol (conv-worker-core.ts) over
// Web Worker messages. Its first message carries the shared buffers and the .wasm files to load.
import type { BrowserHelperStart } from './conv-helper-browser.js';
import type { ConvJob } from './conv-job.js';
import { reportFailure, serveConvJobs } from './conv-worker-core.js';
import { setUpTfjsWasm } from './tfjs-wasm-setup.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent) => void) | null;
  addEventListener(type: 'error' | 'unhandledrejection', listener: (event: Event) => void): void;
};

scope.onmessage = ({ data }: MessageEvent<BrowserHelperStart>) => {
  const start = data;
  // An error outside a job ends the caller's wait (it blocks, and sees no events).
  scope.addEventListener('error', (e) =>
    reportFailure(start, (e as ErrorEvent).error ?? (e as ErrorEvent).message),
  );
  scope.addEventListener('unhandledrejection', (e) =>
    reportFailure(start, (e as PromiseRejectionEvent).reason),
  );
  void serveConvJobs(
    start,
    () => setUpTfjsWasm(start.files),
    (onJob) => {
      scope.onmessage = ({ data: job }: MessageEvent<ConvJob>) => onJob(job);
    },
  );
};
