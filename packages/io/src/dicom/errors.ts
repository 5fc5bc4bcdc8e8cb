/** A DICOM file or series that cannot be read; the message is "<file or series>: <reason>" on one line. */
export class DicomError extends Error {
  readonly file: string;
  readonly reason: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.name = 'DicomError';
    this.file = file;
    this.reason = reason;
  }
}
