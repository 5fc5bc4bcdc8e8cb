// Test support: HTTP requests written byte for byte on a socket, so malformed ones reach the server as sent.
import { connect } from 'node:net';

export interface RawReply {
  /** The status code of the first response line, or 0 when the server closed without answering. */
  status: number;
  text: string;
}

/** Writes `request` (a whole HTTP/1.1 request, head and body) and reads the reply until the server closes. */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 5000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 80))}`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text });
    });
    socket.write(request);
  });
}

/** A GET with the given target and header lines, asking the server to close after answering. */
export function rawGet(target: string, headers: string[] = ['Host: 127.0.0.1']): string {
  return `GET ${target} HTTP/1.1\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`;
}
