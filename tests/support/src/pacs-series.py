"""Writes small synthetic CT series (explicit VR little endian) for the PACS tests, with a planted
patient identity that no ct3d output may contain. Usage: pacs-series.py <out-dir> <spec-json>.
spec: {"seed": str, "studies": [{"series": [{"description": str, "slices": int, "size": int,
"modality": str}]}]}.
Prints one JSON line: [{"file", "study", "series", "sop", "description"}] (UIDs are deterministic per seed)."""
import hashlib
import json
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

PATIENT_NAME = "ZZTESTPATIENT^PLANTED"
PATIENT_ID = "PLANTED-ID-4242"


def uid(seed, *path):
    return generate_uid(entropy_srcs=[seed, *map(str, path)])


def write_slice(path, study, series, sop, spec, index, rng):
    size = spec.get("size", 16)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.FrameOfReferenceUID = uid(series, "frame")
    ds.PatientName = PATIENT_NAME
    ds.PatientID = PATIENT_ID
    ds.PatientBirthDate = "19010101"
    ds.AccessionNumber = "PLANTEDACC77"
    ds.InstitutionName = "PLANTED HOSPITAL"
    ds.Modality = spec.get("modality", "CT")
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SeriesDescription = spec["description"]
    ds.StudyDate = "20200101"
    ds.SeriesNumber = 1
    ds.InstanceNumber = index + 1
    ds.ImagePositionPatient = [0.0, 0.0, 2.5 * index]
    ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    ds.PixelSpacing = [0.8, 0.8]
    ds.SliceThickness = 2.5
    ds.Rows = size
    ds.Columns = size
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.PixelData = rng.integers(0, 2000, size=(size, size), dtype=np.int16).tobytes()
    ds.save_as(path, write_like_original=False)


def main():
    out, spec = sys.argv[1], json.loads(sys.argv[2])
    seed = spec["seed"]
    rng = np.random.default_rng(int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16))
    written = []
    for s, study_spec in enumerate(spec["studies"]):
        study = uid(seed, s)
        for e, series_spec in enumerate(study_spec["series"]):
            series = uid(seed, s, e)
            folder = os.path.join(out, f"study{s}", f"series{e}")
            os.makedirs(folder, exist_ok=True)
            for i in range(series_spec["slices"]):
                sop = uid(seed, s, e, i)
                path = os.path.join(folder, f"{i:04d}.dcm")
                write_slice(path, study, series, sop, series_spec, i, rng)
                written.append({"file": path, "study": study, "series": series, "sop": sop,
                                "description": series_spec["description"]})
    print(json.dumps(written))


main()
