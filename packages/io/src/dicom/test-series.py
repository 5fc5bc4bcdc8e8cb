#!/usr/bin/python3
"""Writes small synthetic CT series with pydicom for ct3d's DICOM tests (no real patient anywhere).

usage: test-series.py OUT_DIR KIND [--rows R --cols C --slices N --seed S]
       test-series.py OUT_DIR studies --spec JSON (the PACS tests' studies, see studies())
KIND: axial (signed 16-bit, slope 0.5, file names shuffled, positions descending along the normal),
      unsigned12 (12 bits stored, unsigned, slope 1 intercept -1024), sagittal, enhanced (one multi-frame
      file with per-frame functional groups), missing (one slice left out), duplicate, tilt, mixed (two sizes),
      extras (a localizer, an SR and a SEG beside an axial series), two (two series in one folder),
      studies (several studies of axial series, UIDs deterministic, printed as JSON).
Every file carries the planted identity below, so tests can prove it never leaves ct3d.
"""
import argparse
import json
import os

import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

PLANTED = {
    "PatientName": "Zzplanted^Xyzzy",
    "PatientID": "PID-QX7723",
    "PatientBirthDate": "19010203",
    "AccessionNumber": "ACC-QX9981",
    "InstitutionName": "Qxplanted General Hospital",
    "ReferringPhysicianName": "Drplanted^Qx",
    "StudyID": "STQX42",
}
CT = "1.2.840.10008.5.1.4.1.1.2"
ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"


def base(path, sop_class, study, series, description, rng, modality="CT"):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = generate_uid()
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    for key, value in PLANTED.items():
        setattr(ds, key, value)
    ds.Modality = modality
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.SeriesDescription = description
    ds.SeriesNumber = 2
    ds.StudyDate = "20200101"
    ds.FrameOfReferenceUID = generate_uid()
    return ds


def pixels(ds, image, signed, bits_stored):
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = image.shape[-2:]
    ds.BitsAllocated = 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    ds.PixelData = image.astype(np.int16 if signed else np.uint16).tobytes()


def slice_series(out, n, rows, cols, rng, orientation, step, origin, signed=True, bits=16, drop=None,
                 dup=None, tilt=0.0, sizes=None, description="Chest 1.0 B31f", study=None, series=None,
                 image_type="ORIGINAL\\PRIMARY\\AXIAL", prefix="img", modality="CT", written=None):
    study = study or generate_uid()
    series = series or generate_uid()
    row, col = np.array(orientation[:3]), np.array(orientation[3:])
    normal = np.cross(row, col)
    order = rng.permutation(n)
    for k in range(n):
        if drop is not None and k == drop:
            continue
        r, c = sizes[k % 2] if sizes else (rows, cols)
        # Descending along the normal, with a tilt shearing each slice along the column direction.
        pos = np.array(origin) + (n - 1 - k) * step * normal + (n - 1 - k) * np.tan(np.radians(tilt)) * step * col
        name = os.path.join(out, f"{prefix}{order[k]:04d}.dcm")
        ds = base(name, CT, study, series, description, rng, modality)
        ds.ImageType = image_type
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [f"{v:.6f}".rstrip("0").rstrip(".") for v in pos]
        ds.ImageOrientationPatient = list(orientation)
        ds.PixelSpacing = [0.75, 0.625]
        ds.SliceThickness = step * 2
        ds.RescaleSlope = 1 if not signed else 0.5
        ds.RescaleIntercept = -1024 if not signed else -8
        lo, hi = (-2000, 3000) if signed else (0, 2 ** bits - 1)
        pixels(ds, rng.integers(lo, hi, size=(r, c)), signed, bits)
        ds.save_as(name, write_like_original=False)
        if written is not None:
            written.append({"file": name, "study": study, "series": series, "sop": ds.SOPInstanceUID,
                            "description": description})
        if dup is not None and k == dup:
            ds.SOPInstanceUID = generate_uid()
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
            ds.save_as(os.path.join(out, f"dup{k:04d}.dcm"), write_like_original=False)
    return study, series


def enhanced(out, n, rows, cols, rng):
    name = os.path.join(out, "enhanced.dcm")
    ds = base(name, ENHANCED_CT, generate_uid(), generate_uid(), "Enhanced 2.0", rng)
    ds.ImageType = "ORIGINAL\\PRIMARY\\AXIAL"
    ds.InstanceNumber = 1
    ds.NumberOfFrames = n
    shared = pydicom.Dataset()
    measures = pydicom.Dataset()
    measures.PixelSpacing = [0.5, 0.5]
    measures.SliceThickness = 2.5
    measures.SpacingBetweenSlices = 2.5
    shared.PixelMeasuresSequence = Sequence([measures])
    orient = pydicom.Dataset()
    orient.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    shared.PlaneOrientationSequence = Sequence([orient])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    frames = []
    order = rng.permutation(n)
    for f in range(n):
        item = pydicom.Dataset()
        position = pydicom.Dataset()
        position.ImagePositionPatient = [-64, -32, 10 + 2.5 * int(order[f])]
        item.PlanePositionSequence = Sequence([position])
        transform = pydicom.Dataset()
        transform.RescaleSlope = 1
        transform.RescaleIntercept = -1024
        transform.RescaleType = "HU"
        item.PixelValueTransformationSequence = Sequence([transform])
        frames.append(item)
    ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
    pixels(ds, rng.integers(0, 4000, size=(n, rows, cols)), False, 12)
    ds.save_as(name, write_like_original=False)


def non_image(out, sop_class, name, rng):
    ds = base(os.path.join(out, name), sop_class, generate_uid(), generate_uid(), "report", rng)
    ds.Modality = "SR" if ".88." in sop_class else "SEG"
    ds.save_as(os.path.join(out, name), write_like_original=False)


def studies(out, spec, rng, axial):
    """spec: {"seed": str, "patient": {"name", "id"}, "studies": [{"series": [{"description", "slices",
    "size" (rows and columns, default 16), "modality" (default CT)}]}]}: study<s>/series<e>/ folders, Study and
    Series UIDs deterministic per seed; prints [{"file", "study", "series", "sop", "description"}]."""
    PLANTED["PatientName"] = spec["patient"]["name"]
    PLANTED["PatientID"] = spec["patient"]["id"]
    seed, written = spec["seed"], []
    for s, study_spec in enumerate(spec["studies"]):
        study = generate_uid(entropy_srcs=[seed, str(s)])
        for e, series in enumerate(study_spec["series"]):
            folder = os.path.join(out, f"study{s}", f"series{e}")
            os.makedirs(folder, exist_ok=True)
            size = series.get("size", 16)
            slice_series(folder, series["slices"], size, size, rng, study=study,
                         series=generate_uid(entropy_srcs=[seed, str(s), str(e)]),
                         modality=series.get("modality", "CT"), written=written,
                         **{**axial, "description": series["description"]})
    print(json.dumps(written))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("kind")
    p.add_argument("--rows", type=int, default=24)
    p.add_argument("--cols", type=int, default=20)
    p.add_argument("--slices", type=int, default=6)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--description", default="Chest 1.0 B31f")
    p.add_argument("--spec", help="studies: the JSON spec")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    axial = dict(orientation=(1, 0, 0, 0, 1, 0), step=1.25, origin=(-7.5, -9.25, 40.5), description=a.description)
    n, r, c = a.slices, a.rows, a.cols
    if a.kind == "axial":
        slice_series(a.out, n, r, c, rng, **axial)
    elif a.kind == "unsigned12":
        slice_series(a.out, n, r, c, rng, signed=False, bits=12, **axial)
    elif a.kind == "sagittal":
        slice_series(a.out, n, r, c, rng, orientation=(0, 1, 0, 0, 0, -1), step=1.5, origin=(12.5, -20, 30))
    elif a.kind == "enhanced":
        enhanced(a.out, n, r, c, rng)
    elif a.kind == "missing":
        slice_series(a.out, n, r, c, rng, drop=n // 2, **axial)
    elif a.kind == "duplicate":
        slice_series(a.out, n, r, c, rng, dup=1, **axial)
    elif a.kind == "tilt":
        slice_series(a.out, n, r, c, rng, tilt=12, **axial)
    elif a.kind == "mixed":
        slice_series(a.out, n, r, c, rng, sizes=[(r, c), (r + 2, c)], **axial)
    elif a.kind == "extras":
        study, _ = slice_series(a.out, n, r, c, rng, **axial)
        slice_series(a.out, 1, r, c, rng, image_type="ORIGINAL\\PRIMARY\\LOCALIZER", study=study,
                     prefix="scout", **axial)
        non_image(a.out, "1.2.840.10008.5.1.4.1.1.88.22", "sr.dcm", rng)
        non_image(a.out, "1.2.840.10008.5.1.4.1.1.66.4", "seg.dcm", rng)
    elif a.kind == "two":
        study, _ = slice_series(a.out, n, r, c, rng, **{**axial, "description": "Lung B70f"})
        slice_series(a.out, n, r, c, rng, study=study, prefix="soft", **{**axial, "description": "Soft B40f"})
    elif a.kind == "studies":
        studies(a.out, json.loads(a.spec), rng, axial)
    else:
        raise SystemExit(f"unknown kind {a.kind}")


if __name__ == "__main__":
    main()
