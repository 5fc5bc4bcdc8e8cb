/** A NIfTI file that cannot be read or written; the message is "<file>: <reason>" on one line. */
export class NiftiError extends Error {
  readonly file: string;
  readonly reason: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.name = 'NiftiError';
    this.file = file;
    this.reason = reason;
  }
}
