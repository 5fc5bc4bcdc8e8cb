// The Scans tab: orthogonal slices of a cached scan, raw beside augmented, drawn on canvas.
const $ = (id) => document.getElementById(id);
const AXES = ['axial', 'coronal', 'sagittal'];
const esc = (v) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function fetchGrey(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status}: ${(await res.text()).trim()}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
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

function draw(canvas, img) {
  canvas.width = img.width;
  canvas.height = img.height;
  if (canvas.closest('.view')) canvas.style.height = `${(256 * img.height * img.aspect) / img.width}px`;
  const ctx = canvas.getContext('2d');
  const rgba = new ImageData(img.width, img.height);
  for (let i = 0; i < img.bytes.length; i++) {
    const g = img.bytes[i];
    rgba.data.set([g, g, g, 255], i * 4);
  }
  ctx.putImageData(rgba, 0, 0);
}

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
  let index = null;
  const render = async () => {
    if (!state.scan) return;
    const rotate = kind === 'augmented' ? `&rotate=${state.rotate}` : '';
    const q = `axis=${axis}&window=${state.window}${index === null ? '' : `&index=${index}`}${rotate}`;
    try {
      const img = await fetchGrey(`/api/scans/${encodeURIComponent(state.scan)}/slice?${q}`);
      draw(canvas, img);
      slider.max = String(img.count - 1);
      slider.value = String(img.index);
      index = img.index;
      label.textContent = `${axis} ${img.index + 1}/${img.count}${kind === 'augmented' ? ` · rotated ${state.rotate}°` : ''}`;
      canvas.dataset.rendered = String(Number(canvas.dataset.rendered ?? 0) + 1);
      label.classList.remove('error');
    } catch (err) {
      label.textContent = `${kind} ${axis}: ${err.message}`;
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

/** 'jet'-like colour for heat h in [0, 1]. */
function heatColor(h) {
  const c = (x) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * h - x))));
  return [c(3), c(2), c(1)];
}

/** The CT slice in grey with the Grad-CAM heat blended over it (a light tint, stronger where hot). */
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
  canvas.getContext('2d').putImageData(rgba, 0, 0);
  canvas.style.height = `${(256 * ct.height * ct.aspect) / ct.width}px`;
}

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
      $('cam-msg').textContent =
        `p(class ${heat.classIndex}) = ${heat.probability.toFixed(3)} · layer ${heat.layer}`;
      $('cam-msg').classList.remove('error');
      canvas.dataset.rendered = String(Number(canvas.dataset.rendered ?? 0) + 1);
    } catch (err) {
      $('cam-msg').textContent = `Grad-CAM: ${err.message}`;
      $('cam-msg').classList.add('error');
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
  const state = { scan: null, window: 'lung', rotate: 10, camRun: null };
  const camViews = AXES.map((a) => makeCamView($('views-cam'), a, state));
  $('cam-go').addEventListener('click', () => {
    state.camRun = $('cam-run').value;
    $('cam-msg').textContent = 'computing…';
    $('cam-msg').classList.remove('error');
    for (const v of camViews) v.render();
  });
  const views = [
    ...AXES.map((a) => makeView($('views-raw'), 'raw', a, state)),
    ...AXES.map((a) => makeView($('views-aug'), 'augmented', a, state)),
  ];
  const renderMontage = async () => {
    try {
      draw(
        $('montage'),
        await fetchGrey(
          `/api/scans/${encodeURIComponent(state.scan)}/montage?rows=4&cols=10&window=${state.window}`,
        ),
      );
    } catch (err) {
      $('scan-msg').textContent = `montage: ${err.message}`;
    }
  };
  const renderAll = () => {
    for (const v of [...views, ...camViews]) v.render();
    renderMontage();
  };
  $('window-select').addEventListener('change', (ev) => {
    state.window = ev.target.value;
    renderAll();
  });
  $('rotate-select').addEventListener('change', (ev) => {
    state.rotate = Number(ev.target.value);
    for (const v of views.slice(3)) v.render();
  });
  $('scan-select').addEventListener('change', (ev) => {
    state.scan = ev.target.value;
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
        $('scan-msg').textContent = `no scans: ${(await res.text()).trim()}`;
        return;
      }
      const runs = await (await fetch('/api/runs')).json();
      $('cam-run').innerHTML = runs
        .map((r) => `<option value="${esc(r.name)}">${esc(r.name)}</option>`)
        .join('');
      const scans = await res.json();
      $('scan-select').innerHTML = scans
        .map(
          (s) =>
            `<option value="${esc(s.id)}">${esc(s.id)} (${esc(s.className)}, label ${esc(s.label)})</option>`,
        )
        .join('');
      if (scans.length === 0) return;
      state.scan = scans[0].id;
      renderAll();
    },
  };
}
