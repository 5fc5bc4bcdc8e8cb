// @ts-check
// The Scans tab: a cached scan and an augmented sample of it in two NiiVue viewers (the diagnosis page's own
// viewer module, @ct3d/web's VolumeView), each at its grid and placed by its affine, in HU; a run's heat map
// over the scan.
// @ts-expect-error the server maps /viewer/ to @ct3d/web's built viewer (VIEWER_DIR); typed from its source.
import * as served from '/viewer/volume-view.js';
import { byId, elementById, escapeHtml } from './dom.js';

/** @type {typeof import('../../../packages/web/src/page/volume-view.js')} */
const viewer = served;
const { CT_WINDOWS, LAYOUTS, VolumeView } = viewer;

/** @typedef {import('../../../packages/web/src/page/volume-view.js').VolumeView} VolumeViewT */
/** @typedef {import('../../../packages/web/src/page/volume-view.js').CursorReadout} CursorReadout */
/** @typedef {import('../../../packages/web/src/page/volume-view.js').WindowName} WindowName */
/** @typedef {import('../../../packages/web/src/page/volume-view.js').LayoutName} LayoutName */

/** The seed's montage: the first 40 slices, 4 x 10. */
const MONTAGE = { rows: 4, cols: 10 };

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/** @param {string} url */
async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status}: ${(await res.text()).trim()}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

/**
 * One viewer of the tab: the canvas `kind` ('raw' or 'augmented'), its cursor line and the volume it shows.
 * @param {'raw' | 'augmented'} kind
 */
function makeViewer(kind) {
  const canvas = elementById(`${kind}-canvas`, HTMLCanvasElement);
  const cursor = byId(`${kind}-cursor`);
  /** @param {CursorReadout} r */
  const onCursor = (r) => {
    const hu = Number.isFinite(r.hu) ? r.hu.toFixed(0) : '–';
    const heat = r.heat === null ? '' : `, heat ${r.heat.toFixed(2)}`;
    cursor.textContent = `voxel ${r.vox.join(', ')}: ${hu} HU${heat}`;
    cursor.dataset.hu = String(r.hu);
  };
  return { canvas, view: new VolumeView(canvas, onCursor) };
}

export function createScansView() {
  const scanSelect = elementById('scan-select', HTMLSelectElement);
  const windowSelect = elementById('window-select', HTMLSelectElement);
  const layoutSelect = elementById('layout-select', HTMLSelectElement);
  const sampleSelect = elementById('sample-select', HTMLSelectElement);
  const radiological = elementById('radiological', HTMLInputElement);
  const opacity = elementById('cam-opacity', HTMLInputElement);
  windowSelect.innerHTML = Object.entries(CT_WINDOWS)
    .map(([name, w]) => `<option value="${name}">${name} (L ${w.level} / W ${w.width})</option>`)
    .join('');
  /** @type {ReturnType<typeof makeViewer>[]} */
  let viewers = [];
  /** @type {string | null} */
  let scan = null;

  /** @returns {WindowName} */
  const windowName = () =>
    Object.hasOwn(CT_WINDOWS, windowSelect.value) ? /** @type {WindowName} */ (windowSelect.value) : 'lung';

  /** @param {VolumeViewT} view */
  const applySettings = (view) => {
    view.setRadiological(radiological.checked);
    const layout = layoutSelect.value;
    if (layout === 'montage') view.showMontage(MONTAGE.rows, MONTAGE.cols);
    else if (Object.hasOwn(LAYOUTS, layout)) view.setLayout(/** @type {LayoutName} */ (layout));
  };

  /**
   * Loads `scan` (sample n > 0: the recipe's augmentation, run by the server) into viewer `v`.
   * @param {ReturnType<typeof makeViewer>} v
   * @param {number} sample
   */
  const load = async (v, sample) => {
    if (!scan) return;
    const kind = v.canvas.dataset.kind;
    delete v.canvas.dataset.shown;
    try {
      const { bytes } = await fetchBytes(`/api/scans/${encodeURIComponent(scan)}/scan.nii?sample=${sample}`);
      await v.view.showScan(bytes, windowName());
      applySettings(v.view);
      v.canvas.dataset.shown = scan;
      byId(`${kind}-caption`).textContent = sample > 0 ? `sample ${sample}` : scan;
    } catch (err) {
      byId('scan-msg').textContent = `${kind} scan: ${messageOf(err)}`;
    }
  };

  const loadAll = async () => {
    byId('scan-msg').textContent = '';
    byId('cam-msg').textContent = '';
    await Promise.all([load(viewers[0], 0), load(viewers[1], Number(sampleSelect.value))]);
  };

  const showHeat = async () => {
    if (!scan || viewers.length === 0) return;
    const run = elementById('cam-run', HTMLSelectElement).value;
    const msg = byId('cam-msg');
    msg.textContent = 'computing…';
    msg.classList.remove('error');
    try {
      const url = `/api/runs/${encodeURIComponent(run)}/heatmap/${encodeURIComponent(scan)}/heat.nii`;
      const { bytes, headers } = await fetchBytes(url);
      const view = viewers[0].view;
      view.setOpacity(Number(opacity.value));
      await view.showHeat(bytes);
      viewers[0].canvas.dataset.heat = run;
      const p = Number(headers.get('x-probability')).toFixed(3);
      msg.textContent = `${headers.get('x-method')} (${headers.get('x-layer')}) · p(class ${headers.get('x-class')}) = ${p}`;
    } catch (err) {
      msg.textContent = `heat map: ${messageOf(err)}`;
      msg.classList.add('error');
    }
  };

  windowSelect.addEventListener('change', () => {
    for (const v of viewers) v.view.setWindow(windowName());
  });
  layoutSelect.addEventListener('change', () => {
    for (const v of viewers) applySettings(v.view);
  });
  radiological.addEventListener('change', () => {
    for (const v of viewers) applySettings(v.view);
  });
  sampleSelect.addEventListener('change', () => load(viewers[1], Number(sampleSelect.value)));
  scanSelect.addEventListener('change', () => {
    scan = scanSelect.value;
    delete viewers[0].canvas.dataset.heat;
    loadAll();
  });
  opacity.addEventListener('input', () => viewers[0]?.view.setOpacity(Number(opacity.value)));
  byId('cam-go').addEventListener('click', showHeat);

  // For tests and the curious: the tab's viewers (NiiVue), the scan's first, then the augmented sample's.
  Object.assign(globalThis, { ct3dScanViewers: () => viewers.map((v) => v.view) });
  let loaded = false;
  return {
    async show() {
      if (loaded) return;
      loaded = true;
      // NiiVue sizes its canvas on attach: the viewers are made once the tab is shown.
      viewers = [makeViewer('raw'), makeViewer('augmented')];
      const res = await fetch('/api/scans');
      if (!res.ok) {
        byId('scan-msg').textContent = `no scans: ${(await res.text()).trim()}`;
        return;
      }
      /** @type {import('../src/runs.js').RunSummary[]} */
      const runs = await (await fetch('/api/runs')).json();
      byId('cam-run').innerHTML = runs
        .map((r) => `<option value="${escapeHtml(r.name)}">${escapeHtml(r.name)}</option>`)
        .join('');
      /** @type {import('../src/scans.js').ScanInfo[]} */
      const scans = await res.json();
      scanSelect.innerHTML = scans
        .map(
          (s) =>
            `<option value="${escapeHtml(s.id)}">${escapeHtml(s.id)} (${escapeHtml(s.className)}, label ${escapeHtml(s.label)})</option>`,
        )
        .join('');
      if (scans.length === 0) return;
      scan = scans[0].id;
      await loadAll();
    },
  };
}
