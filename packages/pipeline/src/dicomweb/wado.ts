// WADO-RS: a series' instances as multipart/related; type="application/dicom", parsed as the parts arrive
// (@remix-run/multipart-parser) so a cut body fails at the cut and no second copy of the body is made.
import {
  getMultipartBoundary,
  MaxFileSizeExceededError,
  MaxPartsExceededError,
  MultipartParseError,
  parseMultipartStream,
} from '@remix-run/multipart-parser';
import { DicomwebError, openDicomweb, type RequestOptions } from './http.js';
import type { DicomwebServer } from './server.js';

/** The Accept header of a WADO-RS series retrieval: the stored files, byte for byte. */
export const WADO_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

/** Bounds on what one WADO-RS retrieval may take. */
export interface RetrieveLimits {
  /** Largest instance accepted (default 4 GiB: enhanced multi-frame CT files can be large). */
  maxInstanceBytes?: number;
  /** Most instances in one series (default 100000). */
  maxInstances?: number;
}

/** The boundary of a multipart/related content type, or a DicomwebError saying what came instead. */
export function multipartBoundary(server: DicomwebServer, contentType: string | null): string {
  const boundary = contentType ? getMultipartBoundary(contentType) : null;
  if (!contentType?.toLowerCase().startsWith('multipart/related') || !boundary) {
    throw new DicomwebError(
      `${server.display} answered a series retrieve with ${contentType ?? 'no content type'}, not multipart/related`,
      false,
    );
  }
  return boundary.trim();
}

/**
 * The instances of one series (WADO-RS `studies/{study}/series/{series}`), each the stored Part-10 file's
 * bytes. A body cut before its closing boundary is a retryable DicomwebError.
 */
export async function retrieveSeries(
  server: DicomwebServer,
  studyUID: string,
  seriesUID: string,
  onBytes: (n: number) => void,
  opts: RequestOptions & RetrieveLimits = {},
): Promise<Uint8Array[]> {
  const path = `studies/${encodeURIComponent(studyUID)}/series/${encodeURIComponent(seriesUID)}`;
  const { response, body } = await openDicomweb(server, path, WADO_ACCEPT, onBytes, opts);
  let boundary: string;
  try {
    boundary = multipartBoundary(server, response.headers.get('content-type'));
  } catch (error) {
    await body.cancel().catch(() => undefined);
    throw error;
  }
  const maxInstanceBytes = opts.maxInstanceBytes ?? 4 * 2 ** 30;
  const instances: Uint8Array[] = [];
  try {
    const parts = parseMultipartStream(body, {
      boundary,
      maxFileSize: maxInstanceBytes,
      maxParts: opts.maxInstances ?? 100_000,
      maxTotalSize: Number.MAX_SAFE_INTEGER,
      maxHeaderSize: 64 * 1024,
    });
    for await (const part of parts) {
      const type = part.mediaType?.toLowerCase();
      if (type !== undefined && type !== 'application/dicom' && type !== 'application/octet-stream') {
        throw new DicomwebError(`instance ${instances.length + 1} of a series is ${type}, not DICOM`, false);
      }
      instances.push(part.bytes);
    }
  } catch (error) {
    await body.cancel().catch(() => undefined);
    if (error instanceof MaxFileSizeExceededError || error instanceof MaxPartsExceededError) {
      throw new DicomwebError(`series refused: ${error.message}`, false);
    }
    if (error instanceof MultipartParseError) {
      // A cut connection that looks like a clean end (a body delimited by the close) ends mid-part.
      throw new DicomwebError(`${server.display} sent an incomplete series (${error.message})`, true);
    }
    throw error;
  }
  return instances;
}
