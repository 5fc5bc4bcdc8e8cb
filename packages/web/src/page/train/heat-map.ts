// The training page's heat map of a validation scan: the diagnosis page's viewer (volume-view.ts, NiiVue) on
// the preprocessed scan the model read, in HU, with the map over it (the worker makes both).
import { CT_WINDOWS, VolumeView, type WindowName } from '../volume-view.js';
import type { FromTrainWorker } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let view: VolumeView | null = null;
/** The last map shown, as NIfTI bytes (for tests: compared with Node's explain). */
let lastHeat: Uint8Array | null = null;

function currentWindow(): WindowName {
  const name = $<HTMLSelectElement>('window').value;
  return Object.hasOwn(CT_WINDOWS, name) ? (name as WindowName) : 'lung';
}

/** Hides the viewer (a new run). */
export function hideHeatMap(): void {
  $('viewer').hidden = true;
  delete document.body.dataset.viewer;
}

/** Says the map of `id` is being made. */
export function heatMapPending(id: string): void {
  delete document.body.dataset.viewer;
  $('cam-info').textContent = `Heat map of ${id}: computing…`;
}

/** Shows a worker's heat map (or why there is none); `className` names its class. */
export async function showHeatMap(
  m: Extract<FromTrainWorker, { type: 'heat-map' | 'heat-map-failed' }>,
  className: string,
  shownId: (id: string) => string,
): Promise<void> {
  if (m.type === 'heat-map-failed') {
    $('cam-info').textContent = `Heat map of ${shownId(m.id)}: ${m.message}`;
    return;
  }
  $('viewer').hidden = false;
  view ??= new VolumeView($<HTMLCanvasElement>('viewer-canvas'), () => undefined);
  await view.showScan(m.scanNifti, currentWindow());
  await view.showHeat(m.heatNifti);
  view.setOpacity(Number($<HTMLInputElement>('opacity').value));
  lastHeat = m.heatNifti;
  $('cam-info').textContent =
    `Heat map of ${shownId(m.id)}: evidence for "${className}" (${m.method} on ${m.layer}), on the scan as the model read it`;
  document.body.dataset.viewer = m.id;
}

/** Wires the viewer's controls. */
export function startHeatMapControls(): void {
  $('window').addEventListener('change', () => view?.setWindow(currentWindow()));
  $('opacity').addEventListener('input', () =>
    view?.setOpacity(Number($<HTMLInputElement>('opacity').value)),
  );
  (globalThis as unknown as { ct3dHeatMap: () => number[] | null }).ct3dHeatMap = () =>
    lastHeat ? Array.from(lastHeat) : null;
}
