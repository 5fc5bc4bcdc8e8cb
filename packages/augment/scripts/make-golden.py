#!/usr/bin/python3
"""Writes the transforms' golden files (test/fixtures/transforms/): small volumes through scipy.ndimage / numpy / nibabel.

Run: /usr/bin/python3 packages/augment/scripts/make-golden.py  (numpy, scipy; nibabel for Orientation).
Volumes are stored as little-endian float32 in NIfTI voxel order (i fastest: numpy order='F' of (nx, ny, nz)).
"""
import json
import os

import numpy as np
from scipy import ndimage

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'transforms')
SHAPE = (12, 10, 8)
rng = np.random.default_rng(22)
cases = []


def save(name, arr):
    arr = np.asarray(arr, dtype=np.float32)
    with open(os.path.join(OUT, name + '.f32'), 'wb') as f:
        f.write(arr.astype('<f4').ravel(order='F').tobytes())
    return name + '.f32'


def case(name, transform, input_name, out, **extra):
    cases.append({'name': name, 'transform': transform, 'input': input_name + '.f32',
                  'output': save(name, out), 'shape': list(np.shape(out)), **extra})


os.makedirs(OUT, exist_ok=True)
u = rng.random(SHAPE, dtype=np.float32)
hu = np.round(rng.uniform(-1300, 700, SHAPE)).astype(np.float32)
save('unit', u)
save('hu', hu)
c = (np.array(SHAPE) - 1) / 2


def rot(deg):
    a, b, g = np.radians(deg)
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(g), -np.sin(g), 0], [np.sin(g), np.cos(g), 0], [0, 0, 1]])
    return rx @ ry @ rz


# ScaleIntensityRange: the seed's HU window, and a [-1, 1] range without clipping (float64, then float32).
h = hu.astype(np.float64)
case('sir-seed', {'name': 'ScaleIntensityRange', 'a_min': -1000, 'a_max': 400, 'b_min': 0, 'b_max': 1, 'clip': True},
     'hu', np.clip((h + 1000) / 1400, 0, 1))
case('sir-signed', {'name': 'ScaleIntensityRange', 'a_min': -1000, 'a_max': 400, 'b_min': -1, 'b_max': 1},
     'hu', (h + 1000) * (2 / 1400) - 1)
# Rotate90: numpy rot90.
for k, axes in [(1, (0, 1)), (3, (1, 2)), (2, (0, 2))]:
    case(f'rot90-k{k}-{axes[0]}{axes[1]}', {'name': 'Rotate90', 'k': k, 'spatial_axes': list(axes)}, 'unit',
         np.rot90(u, k, axes))
# Resize: the seed's zoom (order 1, corner-aligned).
size = (7, 13, 5)
case('resize', {'name': 'Resize', 'spatial_size': list(size)}, 'unit',
     ndimage.zoom(u, [m / n for m, n in zip(size, SHAPE)], order=1))
# Flip.
case('flip-02', {'name': 'Flip', 'spatial_axis': [0, 2]}, 'unit', np.flip(u, (0, 2)))
# Crops and pads.
roi = (7, 6, 9)
s = [max(n // 2 - r // 2, 0) for n, r in zip(SHAPE, roi)]
case('center-crop', {'name': 'CenterSpatialCrop', 'roi_size': list(roi)}, 'unit',
     u[s[0]:s[0] + 7, s[1]:s[1] + 6, :])
case('crop-at', {'start': [3, 1, 2], 'size': [5, 6, 4]}, 'unit', u[3:8, 1:7, 2:6])
case('pad', {'name': 'SpatialPad', 'spatial_size': [15, 10, 11]}, 'unit', np.pad(u, ((1, 2), (0, 0), (1, 2))))
# Orientation to RAS from an oblique-free LPS-like affine (nibabel's reference).
try:
    import nibabel.orientations as nbo
    aff = np.array([[0, 0, -2, 10], [-1.5, 0, 0, 5], [0, 3, 0, -7], [0, 0, 0, 1]], dtype=float)
    ornt = nbo.ornt_transform(nbo.io_orientation(aff), nbo.axcodes2ornt('RAS'))
    case('orientation-ras', {'name': 'Orientation', 'axcodes': 'RAS'}, 'unit', nbo.apply_orientation(u, ornt),
         affine=aff.tolist(), codes=''.join(nbo.aff2axcodes(aff)),
         out_affine=(aff @ nbo.inv_ornt_aff(ornt, SHAPE)).tolist())
except ImportError:
    print('nibabel missing: no Orientation golden')
# Spacing: spacing (1, 1, 2) -> pixdim (1.5, 0.75, 2.5), first voxel kept (scipy affine_transform order 1).
sp = np.array([1, 1, 2.0])
pix = np.array([1.5, 0.75, 2.5])
ratio = pix / sp
out_shape = tuple(int(round((n - 1) / r)) + 1 for n, r in zip(SHAPE, ratio))
case('spacing', {'name': 'Spacing', 'pixdim': pix.tolist()}, 'unit',
     ndimage.affine_transform(u, np.diag(ratio), order=1, output_shape=out_shape, mode='constant'),
     spacing=sp.tolist())
# RandRotate's core: scipy rotate in any plane, order 1 and 3, no clip.
for deg, axes, order in [(17, (0, 2), 1), (-23, (1, 2), 3), (8, (0, 1), 3)]:
    case(f'rotate-{deg}-{axes[0]}{axes[1]}-o{order}', {'degrees': deg, 'axes': list(axes), 'order': order}, 'unit',
         ndimage.rotate(u, deg, axes=(axes[1], axes[0]), reshape=False, order=order, mode='constant'))
# RandAffine's core: rotation, scale and translation about the centre, one trilinear resampling.
deg, scale, shift = [5, -8, 12], [1.1, 0.9, 1.05], [1, -0.5, 0.7]
m = rot(deg) @ np.diag(scale)
case('affine', {'rotate': deg, 'scale': scale, 'translate': shift}, 'unit',
     ndimage.affine_transform(u, m, offset=c + shift - m @ c, order=1, mode='constant'))
# RandZoom's core: zoom 1.2 about the centre, same shape.
zm = np.diag([1 / 1.2] * 3)
case('zoom', {'factor': 1.2}, 'unit', ndimage.affine_transform(u, zm, offset=c - zm @ c, order=1, mode='constant'))
# RandGaussianSmooth's core: scipy gaussian_filter (reflect, truncate 4).
for sig in [(0.6, 1.1, 0.0), (1.4, 0.8, 1.0)]:
    case('smooth-' + '-'.join(str(x) for x in sig), {'sigma': list(sig)}, 'unit', ndimage.gaussian_filter(u, sig))
# Intensity cores (float64 arithmetic, float32 result).
x = u.astype(np.float64)
lo, hi = x.min(), x.max()
case('contrast', {'gamma': 1.7}, 'unit', ((x - lo) / (hi - lo + 1e-7)) ** 1.7 * (hi - lo) + lo)
case('scale-intensity', {'factor': 0.15}, 'unit', x * 1.15)
case('shift-intensity', {'offset': -0.2}, 'unit', x - 0.2)
noise = rng.normal(0.0, 0.05, SHAPE).astype(np.float32)
save('noise-field', noise)
case('noise', {'noise': 'noise-field.f32'}, 'unit', x + noise.astype(np.float64))

with open(os.path.join(OUT, 'golden.json'), 'w') as f:
    json.dump({'about': 'scripts/make-golden.py (scipy %s, numpy %s)' % (__import__('scipy').__version__, np.__version__),
               'input_shape': list(SHAPE), 'cases': cases}, f, indent=1)
print(f'wrote {len(cases)} cases to {OUT}')
