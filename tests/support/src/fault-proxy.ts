// A loopback HTTP proxy for tests that forwards to a real server and injects faults on chosen requests:
// an error status, or a response cut after some body bytes (the connection destroyed mid-body).
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { status: number }
  /** Forwards the head and `cut` bytes of the body, then drops the connection (chunked: as a chunked body). */
  | { cut: number; chunked?: boolean }
  /** Forwards the head and `stall` bytes of the body, then sends nothing more and keeps the connection. */
  | { stall: number };

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The Authorization header as received (to check what a client sent). */
  authorization?: string;
  fault?: Fault;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port>: the target's paths under this origin. */
  url: string;
  /** Every request received, in order. */
  requests: ProxiedRequest[];
  /** The most requests that were open at once. */
  maxOpen: number;
  /** Decides each request's fault (undefined: forward as is); `n` counts earlier requests for the path. */
  plan: (req: ProxiedRequest, n: number) => Fault | undefined;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = {
    url: '',
    requests: [],
    maxOpen: 0,
    plan: () => undefined,
    // Keep-alive sockets of a client still running would hold close() open.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const forward = (req: IncomingMessage, res: ServerResponse, fault: Fault | undefined) => {
    const cut = fault && 'cut' in fault ? fault.cut : fault && 'stall' in fault ? fault.stall : undefined;
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        // Keep the upstream's framing: Orthanc ends a retrieve by closing the connection (no length).
        const headers = { ...answer.headers };
        if (fault && 'chunked' in fault && fault.chunked) {
          delete headers['content-length'];
          delete headers.connection;
        } else if (!headers['content-length'] && !headers['transfer-encoding']) {
          res.useChunkedEncodingByDefault = false;
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        if (cut === undefined) {
          answer.pipe(res);
          return;
        }
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= cut) return;
          const take = chunk.subarray(0, cut - sent);
          sent += take.length;
          res.write(take);
          if (sent < cut) return;
          answer.destroy();
          // A stall keeps the connection open until the client gives up; a cut lets the bytes leave first.
          if (fault && 'cut' in fault) res.socket?.end(() => res.socket?.destroy());
        });
        answer.on('end', () => res.end());
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  let open = 0;
  const server = createServer((req, res) => {
    open++;
    proxy.maxOpen = Math.max(proxy.maxOpen, open);
    // Counted closed once the last byte is handed over: a client cannot start its next request earlier.
    let counted = true;
    const closed = () => {
      if (counted) open--;
      counted = false;
    };
    res.once('finish', closed);
    res.once('close', closed);
    const entry: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization: req.headers.authorization,
    };
    const n = proxy.requests.filter((r) => r.path === entry.path).length;
    proxy.requests.push(entry);
    entry.fault = proxy.plan(entry, n);
    const fault = entry.fault;
    if (fault && 'status' in fault) {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'text/plain' }).end(`injected ${fault.status}`);
      return;
    }
    forward(req, res, fault);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
