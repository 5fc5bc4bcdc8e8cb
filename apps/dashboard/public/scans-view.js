// @ts-check
// The Scans tab: orthogonal slices of a cached scan, raw beside augmented, drawn on canvas.
import { byId, elementById, escapeHtml } from './dom.js';

/** @typedef {import('../src/slices.js').Axis} Axis */
/** @typedef {{scan: string | null, window: string, sample: number, camRun: string | null}} ScansState */
/** @typedef {{render: () => Promise<void>, resetIndex: () => void}} SliceView */

/** @type {Axis[]} */
const AXES = ['axial', 'coronal', 'sagittal'];

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/**
 * A grey image (one byte per pixel) with the size, aspect and prediction headers the server sends with it.
 * @param {string} url
 */
async function fetchGrey(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status}: ${(await res.text()).trim()}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  /** @param {string} k */
  const h = (k) => Number(res.headers.get(k));
  return {
    bytes,
    width: h('x-width'),
    height: h('x-height'),
    aspect: h('x-pixel-aspect') || 1,
    count: h('x-count'),
    index: h('x-index'),
    probability: h('x-probability'),
    classIndex: res.headers.get('x-class') === null ? 1 : h('x-class'),
    layer: res.headers.get('x-layer'),
  };
}

/** @typedef {Awaited<ReturnType<typeof fetchGrey>>} GreyImage */

/** @param {HTMLCanvasElement} canvas @param {GreyImage} img */
function draw(canvas, img) {
  canvas.width = img.width;
  canvas.height = img.height;
  if (canvas.closest('.view')) canvas.style.height = `${(256 * img.height * img.aspect) / img.width}px`;
  const rgba = new ImageData(img.width, img.height);
  for (let i = 0; i < img.bytes.length; i++) {
    const g = img.bytes[i];
    rgba.data.set([g, g, g, 255], i * 4);
  }
  canvas.getContext('2d')?.putImageData(rgba, 0, 0);
}

/**
 * One slice view: raw or augmented (the recipe's augmentation, run by the server) along `axis`, with a slider over the slices.
 * @param {HTMLElement} parent
 * @param {'raw' | 'augmented'} kind
 * @param {Axis} axis
 * @param {ScansState} state
 * @returns {SliceView}
 */
function makeView(parent, kind, axis, state) {
  const box = document.createElement('div');
  box.className = 'view';
  const canvas = document.createElement('canvas');
  canvas.dataset.kind = kind;
  canvas.dataset.axis = axis;
  const slider = document.createElement('input');
  slider.type = 'range';
  slider.min = '0';
  const label = document.createElement('div');
  label.className = 'view-label';
  box.append(canvas, slider, label);
  parent.append(box);
  /** @type {number | null} */
  let index = null;
  const render = async () => {
    if (!state.scan) return;
    const sample = kind === 'augmented' ? `&sample=${state.sample}` : '';
    const q = `axis=${axis}&window=${state.window}${index === null ? '' : `&index=${index}`}${sample}`;
    try {
      const img = await fetchGrey(`/api/scans/${encodeURIComponent(state.scan)}/slice?${q}`);
      draw(canvas, img);
      slider.max = String(img.count - 1);
      slider.value = String(img.index);
      index = img.index;
      label.textContent = `${axis} ${img.index + 1}/${img.count}${kind === 'augmented' ? ` · sample ${state.sample}` : ''}`;
      canvas.dataset.rendered = String(Number(canvas.dataset.rendered ?? 0) + 1);
      label.classList.remove('error');
    } catch (err) {
      label.textContent = `${kind} ${axis}: ${messageOf(err)}`;
      label.classList.add('error');
    }
  };
  slider.addEventListener('input', () => {
    index = Number(slider.value);
    render();
  });
  return {
    render,
    resetIndex: () => {
      index = null;
    },
  };
}

/**
 * 'jet'-like colour for heat h in [0, 1].
 * @param {number} h
 */
function heatColor(h) {
  /** @param {number} x */
  const c = (x) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * h - x))));
  return [c(3), c(2), c(1)];
}

/**
 * The CT slice in grey with the Grad-CAM heat blended over it (a light tint, stronger where hot).
 * @param {HTMLCanvasElement} canvas
 * @param {GreyImage} ct
 * @param {GreyImage} heat
 */
function drawOverlay(canvas, ct, heat) {
  canvas.width = ct.width;
  canvas.height = ct.height;
  const rgba = new ImageData(ct.width, ct.height);
  for (let i = 0; i < ct.bytes.length; i++) {
    const g = ct.bytes[i];
    const h = heat.bytes[i] / 255;
    const [r, gg, b] = heatColor(h);
    const a = 0.15 + 0.45 * h;
    rgba.data.set([g * (1 - a) + r * a, g * (1 - a) + gg * a, g * (1 - a) + b * a, 255], i * 4);
  }
  canvas.getContext('2d')?.putImageData(rgba, 0, 0);
  canvas.style.height = `${(256 * ct.height * ct.aspect) / ct.width}px`;
}

/**
 * The Grad-CAM view along `axis` of the scan under `state.camRun`'s model.
 * @param {HTMLElement} parent
 * @param {Axis} axis
 * @param {ScansState} state
 * @returns {SliceView}
 */
function makeCamView(parent, axis, state) {
  const box = document.createElement('div');
  box.className = 'view';
  const canvas = document.createElement('canvas');
  canvas.dataset.kind = 'gradcam';
  canvas.dataset.axis = axis;
  const slider = document.createElement('input');
  slider.type = 'range';
  const label = document.createElement('div');
  label.className = 'view-label';
  box.append(canvas, slider, label);
  parent.append(box);
  /** @type {number | null} */
  let index = null;
  const render = async () => {
    if (!state.scan || !state.camRun) return;
    const q = `axis=${axis}&window=${state.window}${index === null ? '' : `&index=${index}`}`;
    const scan = encodeURIComponent(state.scan);
    try {
      const heat = await fetchGrey(
        `/api/runs/${encodeURIComponent(state.camRun)}/gradcam/${scan}/slice?${q}`,
      );
      const ct = await fetchGrey(`/api/scans/${scan}/slice?${q}`);
      drawOverlay(canvas, ct, heat);
      slider.max = String(heat.count - 1);
      slider.value = String(heat.index);
      index = heat.index;
      label.textContent = `${axis} ${heat.index + 1}/${heat.count}`;
      byId('cam-msg').textContent =
        `p(class ${heat.classIndex}) = ${heat.probability.toFixed(3)} · layer ${heat.layer}`;
      byId('cam-msg').classList.remove('error');
      canvas.dataset.rendered = String(Number(canvas.dataset.rendered ?? 0) + 1);
    } catch (err) {
      byId('cam-msg').textContent = `Grad-CAM: ${messageOf(err)}`;
      byId('cam-msg').classList.add('error');
    }
  };
  slider.addEventListener('input', () => {
    index = Number(slider.value);
    render();
  });
  return {
    render,
    resetIndex: () => {
      index = null;
    },
  };
}

export function createScansView() {
  /** @type {ScansState} */
  const state = { scan: null, window: 'lung', sample: 1, camRun: null };
  const camViews = AXES.map((a) => makeCamView(byId('views-cam'), a, state));
  byId('cam-go').addEventListener('click', () => {
    state.camRun = elementById('cam-run', HTMLSelectElement).value;
    byId('cam-msg').textContent = 'computing…';
    byId('cam-msg').classList.remove('error');
    for (const v of camViews) v.render();
  });
  const views = [
    ...AXES.map((a) => makeView(byId('views-raw'), 'raw', a, state)),
    ...AXES.map((a) => makeView(byId('views-aug'), 'augmented', a, state)),
  ];
  const renderMontage = async () => {
    if (!state.scan) return;
    try {
      draw(
        elementById('montage', HTMLCanvasElement),
        await fetchGrey(
          `/api/scans/${encodeURIComponent(state.scan)}/montage?rows=4&cols=10&window=${state.window}`,
        ),
      );
    } catch (err) {
      byId('scan-msg').textContent = `montage: ${messageOf(err)}`;
    }
  };
  const renderAll = () => {
    for (const v of [...views, ...camViews]) v.render();
    renderMontage();
  };
  const windowSelect = elementById('window-select', HTMLSelectElement);
  windowSelect.addEventListener('change', () => {
    state.window = windowSelect.value;
    renderAll();
  });
  const sampleSelect = elementById('sample-select', HTMLSelectElement);
  sampleSelect.addEventListener('change', () => {
    state.sample = Number(sampleSelect.value);
    for (const v of views.slice(3)) v.render();
  });
  const scanSelect = elementById('scan-select', HTMLSelectElement);
  scanSelect.addEventListener('change', () => {
    state.scan = scanSelect.value;
    for (const v of [...views, ...camViews]) v.resetIndex();
    renderAll();
  });
  let loaded = false;
  return {
    async show() {
      if (loaded) return;
      loaded = true;
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
      state.scan = scans[0].id;
      renderAll();
    },
  };
}
