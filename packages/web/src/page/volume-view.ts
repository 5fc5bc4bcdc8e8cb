// The scan viewer: NiiVue (WebGL2) on the scan as read, at its own resolution and orientation (its affine),
// with the heat map overlaid in the same space. Multiplanar + 3D render, L/R A/P letters, the crosshair's HU,
// window presets and drag to window, a colour bar, radiological or neurological convention.
import { DRAG_MODE, MULTIPLANAR_TYPE, Niivue, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';

/** CT windows as level / width in HU (the usual presets). */
export const CT_WINDOWS = {
  lung: { level: -600, width: 1500 },
  mediastinum: { level: 50, width: 350 },
  bone: { level: 400, width: 1800 },
} as const;
export type WindowName = keyof typeof CT_WINDOWS;

export const LAYOUTS = {
  multiplanar: SLICE_TYPE.MULTIPLANAR,
  axial: SLICE_TYPE.AXIAL,
  coronal: SLICE_TYPE.CORONAL,
  sagittal: SLICE_TYPE.SAGITTAL,
  render: SLICE_TYPE.RENDER,
} as const;
export type LayoutName = keyof typeof LAYOUTS;

export interface CursorReadout {
  /** The scan's voxel under the crosshair and its HU (the scan's own value, not the model input's). */
  vox: [number, number, number];
  hu: number;
  heat: number | null;
}

export class VolumeView {
  readonly nv: Niivue;
  private opacity = 0.5;

  constructor(canvas: HTMLCanvasElement, onCursor: (r: CursorReadout) => void) {
    this.nv = new Niivue({
      backColor: [0, 0, 0, 1],
      isColorbar: true,
      isOrientationTextVisible: true,
      multiplanarShowRender: SHOW_RENDER.ALWAYS,
      multiplanarLayout: MULTIPLANAR_TYPE.GRID,
      dragMode: DRAG_MODE.contrast,
      crosshairWidth: 1,
      show3Dcrosshair: true,
      isRadiologicalConvention: false,
      // The page has no network: NiiVue loads nothing beyond what it is given.
      loadingText: '',
    });
    this.nv.onLocationChange = (location: unknown) => {
      const l = location as { vox: number[]; values: { value: number }[] };
      onCursor({
        vox: [l.vox[0], l.vox[1], l.vox[2]],
        hu: l.values[0]?.value ?? Number.NaN,
        heat: l.values[1]?.value ?? null,
      });
    };
    void this.nv.attachToCanvas(canvas);
  }

  /** Shows a scan (NIfTI bytes in HU), replacing whatever was shown, in window `window`. */
  async showScan(nifti: Uint8Array, window: WindowName): Promise<void> {
    for (const v of [...this.nv.volumes]) this.remove(v);
    await this.nv.loadFromArrayBuffer(nifti.slice().buffer, 'scan.nii');
    this.setWindow(window);
  }

  /** Overlays the heat map (NIfTI bytes in [0, 1], the scan's grid) in a warm colour map. */
  async showHeat(nifti: Uint8Array): Promise<void> {
    while (this.nv.volumes.length > 1) this.remove(this.nv.volumes[1]);
    await this.nv.loadFromArrayBuffer(nifti.slice().buffer, 'heat.nii');
    const heat = this.nv.volumes[1];
    heat.colormap = 'warm';
    heat.cal_min = 0.2; // weak evidence stays transparent
    heat.cal_max = 1;
    heat.opacity = this.opacity;
    this.nv.updateGLVolume();
  }

  /**
   * Removes a volume and its document entry: NiiVue 0.69's removeVolume keeps the options it was loaded with
   * (the file's bytes among them) in its document, so every scan shown would stay in memory.
   */
  private remove(volume: (typeof this.nv.volumes)[number]): void {
    this.nv.removeVolume(volume);
    this.nv.document.removeImage(volume);
  }

  setWindow(name: WindowName): void {
    const scan = this.nv.volumes[0];
    if (!scan) return;
    const { level, width } = CT_WINDOWS[name];
    scan.cal_min = level - width / 2;
    scan.cal_max = level + width / 2;
    this.nv.updateGLVolume();
  }

  setOpacity(opacity: number): void {
    this.opacity = opacity;
    const heat = this.nv.volumes[1];
    if (!heat) return;
    heat.opacity = opacity;
    this.nv.updateGLVolume();
  }

  setRadiological(on: boolean): void {
    this.nv.setRadiologicalConvention(on);
  }

  setLayout(name: LayoutName): void {
    this.nv.sliceMosaicString = ''; // a montage shown before gives way
    this.nv.setSliceType(LAYOUTS[name]);
  }

  /**
   * The seed's montage (plot_slices of data[:, :, :rows*cols]) as NiiVue draws it: the first rows x cols
   * slices along the scan's third axis, as axial tiles in this viewer's convention (NiiVue's mosaic places
   * each tile by its world height, taken from the scan's affine at the slice's centre).
   */
  showMontage(rows: number, cols: number): void {
    const scan = this.nv.volumes[0];
    if (!scan?.dims) return;
    const [, nx, ny, nz] = scan.dims;
    const a = this.nv.getVolumeAffine(0);
    const heights = Array.from(
      { length: Math.min(rows * cols, nz) },
      (_, k) => (a[2][0] * (nx - 1)) / 2 + (a[2][1] * (ny - 1)) / 2 + a[2][2] * k + a[2][3],
    );
    const lines = Array.from({ length: Math.ceil(heights.length / cols) }, (_, r) =>
      heights
        .slice(r * cols, (r + 1) * cols)
        .map((z) => z.toFixed(3))
        .join(' '),
    );
    this.nv.setSliceMosaicString(`A ${lines.join(' ; ')}`);
  }

  /** Moves the crosshair to a voxel of the scan (as a click there would). */
  moveTo(vox: [number, number, number]): void {
    if (!this.nv.volumes[0]) return;
    this.nv.scene.crosshairPos = this.nv.vox2frac(vox);
    this.nv.updateGLVolume();
  }
}
