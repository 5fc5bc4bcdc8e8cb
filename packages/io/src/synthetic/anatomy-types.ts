// The synthetic scan's drawn anatomy as plain types, shared by the samplers and the renderer without import cycles.

/** A straight vessel piece: x, y in pixels, z in mm, radius in pixels, brightness in HU. */
export interface VesselSegment {
  ax: number;
  ay: number;
  az: number;
  bx: number;
  by: number;
  bz: number;
  r: number;
  hu: number;
}

/** A ground-glass opacity: an ellipsoid (x, y in pixels; z in mm) blended toward targetHU inside the lungs. */
export interface Opacity {
  x: number;
  y: number;
  z: number;
  rx: number;
  ry: number;
  rz: number;
  targetHU: number;
}

/** Everything random about one synthetic scan, drawn once; slices are then rendered from it. */
export interface Anatomy {
  n: number;
  nz: number;
  /** In-plane pixel size and slice spacing, mm. */
  pixelMm: number;
  sliceMm: number;
  cx: number;
  cy: number;
  /** Body semi-axes (pixels) and fat rim as a fraction of them. */
  bodyA: number;
  bodyB: number;
  fatRim: number;
  /** Lung offset from the midline, semi-axes (pixels) at full size, and posterior density gradient (HU). */
  lungDx: number;
  lungA: number;
  lungB: number;
  dependentHU: number;
  /** Rib cross-sections per side and the phase of their angles (radians). */
  ribsPerSide: number;
  ribPhase: number;
  /** Per-slice jitter of the lung centres (pixels), for slice-to-slice variation. */
  jitter: Float32Array;
  vessels: VesselSegment[];
  opacities: Opacity[];
  /** A thin band of posterior atelectasis in either class, a confounder (HU above lung; 0 = none). */
  atelectasisHU: number;
  noiseSigma: number;
}
