/**
 * Families of synthetic chest CTs: the ranges each scan's anatomy and lesions are drawn from. 'standard' is
 * what `ct3d synth` always made; 'broad-dense' is a second, held-out-style family with other body shapes
 * (rounder, heavier-set bodies with a thick fat rim and smaller lungs, a wider field of view, more noise)
 * and other lesions (fewer, smaller, denser consolidation-like blobs), for checking that training defaults
 * work on data they were not tuned on.
 */
export const SYNTHETIC_FAMILIES = ['standard', 'broad-dense'] as const;
/**
 * A family of synthetic scans: `standard`, or `broad-dense` for checking defaults on data they were not tuned
 * on.
 */
export type SyntheticFamily = (typeof SYNTHETIC_FAMILIES)[number];

type Range = readonly [number, number];

export interface FamilyRanges {
  fovMm: Range;
  /** Body and lung semi-axes and the lung offset, as fractions of the in-plane size. */
  bodyA: Range;
  bodyB: Range;
  fatRim: Range;
  lungDx: Range;
  lungA: Range;
  lungB: Range;
  noiseSigma: Range;
  /** Lesions per abnormal scan: `minLesions` + int(`extraLesions`). */
  minLesions: number;
  extraLesions: number;
  /** Radius (mm) and target HU of the large lesions and of the faint ones. */
  largeRadiusMm: Range;
  largeHU: Range;
  faintRadiusMm: Range;
  faintHU: Range;
}

const FAMILY_RANGES: Record<SyntheticFamily, FamilyRanges> = {
  standard: {
    fovMm: [340, 380],
    bodyA: [0.4, 0.45],
    bodyB: [0.27, 0.31],
    fatRim: [0.9, 0.95],
    lungDx: [0.185, 0.2],
    lungA: [0.15, 0.17],
    lungB: [0.21, 0.23],
    noiseSigma: [15, 25],
    minLesions: 5,
    extraLesions: 6,
    largeRadiusMm: [35, 65],
    largeHU: [-600, -250],
    faintRadiusMm: [6, 14],
    faintHU: [-760, -650],
  },
  'broad-dense': {
    fovMm: [380, 440],
    bodyA: [0.42, 0.47],
    bodyB: [0.33, 0.38],
    fatRim: [0.8, 0.87],
    lungDx: [0.17, 0.185],
    lungA: [0.12, 0.145],
    lungB: [0.18, 0.205],
    noiseSigma: [25, 40],
    minLesions: 4,
    extraLesions: 4,
    largeRadiusMm: [22, 40],
    largeHU: [-350, -50],
    faintRadiusMm: [8, 16],
    faintHU: [-600, -400],
  },
};

/** The ranges of `family`; a clear error for an unknown name. */
export function familyRanges(family: SyntheticFamily = 'standard'): FamilyRanges {
  const ranges = FAMILY_RANGES[family];
  if (!ranges) {
    throw new RangeError(`unknown synthetic family "${family}" (known: ${SYNTHETIC_FAMILIES.join(', ')})`);
  }
  return ranges;
}
