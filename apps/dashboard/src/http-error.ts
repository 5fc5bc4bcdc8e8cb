/** An answer the handler gives as it is: `message` is shown to the client, so it names no absolute path. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
