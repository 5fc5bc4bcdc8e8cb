// The README.md an exported site carries: what the page does, how to serve it, and the headers a static host
// must send for the wasm kernels' two threads.
import { ISOLATION_HEADERS } from './serve-site.js';

/** The README file of an exported site. */
export const SITE_README = 'README.md';

const WHAT = {
  diagnosis:
    'The in-browser diagnosis page of a ct3d run: open it and drop a .nii, .nii.gz or a DICOM series folder; the scan is read and predicted in the browser and never sent.',
  training:
    'The ct3d training page: open it, drop a folder with one folder of scans per class and press Train; the scans are read and trained on in the browser and never sent. "Download run" gives a run folder that `ct3d predict --run`, `ct3d evaluate` and `ct3d export-web --run` take.',
};

/** The README of an exported `kind` page. */
export function siteReadme(kind: 'diagnosis' | 'training'): string {
  const headers = Object.entries(ISOLATION_HEADERS).map(([name, value]) => `    ${name}: ${value}`);
  return `# ${kind === 'training' ? 'ct3d training page' : 'ct3d diagnosis page'}

${WHAT[kind]}

## Serving it

Any static file server works; a page opened from \`file://\` does not (its worker and .wasm files need http).

    ct3d serve-web .                   # on http://127.0.0.1:PORT/, with the headers below
    python3 -m http.server 8000        # also works, on one thread (sends none of them)

## Two threads need these headers

The wasm kernels run on two threads only when the page is cross-origin isolated (the browser then allows
SharedArrayBuffer in its workers). A static host must send these headers with every file of this folder
(\`ct3d serve-web\` and \`ct3d dashboard\` do):

${headers.join('\n')}

and serve the page over https:// or from a loopback address (127.0.0.1, localhost). Without them the page
still works and gives the same results as \`ct3d train --backend wasm\` on one thread, about half as fast; its
backend line says which ("wasm, 2 threads (cross-origin isolated)"), and the run's run.json records it
(reproduce.tfjs.convThreads). The page loads nothing from other origins, so the headers break nothing.
`;
}
