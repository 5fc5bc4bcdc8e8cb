#!/usr/bin/python3
"""Peer for bench/dicom.ts: pydicom + numpy read a series folder into a float32 HU volume sorted along the
slice normal (what ct3d's readDicomSeries does). Prints one JSON line: median ms over --runs, or why not."""
import glob
import json
import os
import sys
import time

import numpy as np
import pydicom


def read_series(folder):
    slices = [pydicom.dcmread(f) for f in sorted(glob.glob(os.path.join(folder, "**", "*"), recursive=True)) if os.path.isfile(f)]
    o = np.array(slices[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(o[:3], o[3:])
    slices.sort(key=lambda s: float(np.dot(normal, np.array(s.ImagePositionPatient, dtype=float))))
    volume = np.stack([s.pixel_array.astype(np.float32) * float(s.RescaleSlope) + float(s.RescaleIntercept) for s in slices])
    return volume


def main():
    folder, runs = sys.argv[1], int(sys.argv[2])
    try:
        read_series(folder)
    except Exception as e:  # a missing pixel handler (JPEG-LS, JPEG 2000 without pylibjpeg/GDCM) is reported
        print(json.dumps({"error": str(e).splitlines()[0][:160]}))
        return
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        read_series(folder)
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"ms": sorted(times)[len(times) // 2], "runs": times, "pydicom": pydicom.__version__}))


if __name__ == "__main__":
    main()
