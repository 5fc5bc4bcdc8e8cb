// `ct3d serve-web <dir>`: an exported folder served on loopback with the cross-origin isolation headers and
// the right content types; nothing outside the folder (`..`, encoded or not, or a link leading out), and no
// request, however malformed, stops it. Stopped with SIGINT, as a user stops it.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, ct3dNodeArgs, type Running, runNode, startCli } from './test-support.js';

const env = { ...process.env, CI: '1' };
const ct3d = (...args: string[]): Promise<CliResult> => runNode(ct3dNodeArgs(args), env);

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with `path` sent as it is (fetch would resolve `..` before sending). */
function get(port: number, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('latin1');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Bytes written on a socket as they are; resolves with the reply's status line (or '' when closed silently). */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    socket.write(bytes);
  });
}

describe('ct3d serve-web', () => {
  let dir = '';
  let site = '';
  let server: Running;
  let port = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-serve-web-'));
    site = join(dir, 'site');
    await mkdir(join(site, 'wasm'), { recursive: true });
    await mkdir(join(site, 'diagnose'));
    await writeFile(join(site, 'index.html'), '<!doctype html><title>page</title>');
    await writeFile(join(site, 'app.js'), 'export {};');
    await writeFile(join(site, 'wasm', 'k.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    await writeFile(join(site, 'diagnose', 'index.html'), '<!doctype html><title>diagnose</title>');
    await writeFile(join(dir, 'secret.txt'), 'outside the site');
    await symlink(join(dir, 'secret.txt'), join(site, 'linked.txt'));
    await symlink(dir, join(site, 'linked-folder'));
    server = startCli(['serve-web', site, '--port', '0'], env);
    const [, url] = await server.line(/at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)/);
    port = Number(new URL(url).port);
  }, 60_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.interrupt();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the files with COOP/COEP/CORP and their content types; a folder without its slash redirects', async () => {
    expect(server.out()).toContain('cross-origin isolated');
    for (const [path, type] of [
      ['/', 'text/html; charset=utf-8'],
      ['/app.js', 'text/javascript; charset=utf-8'],
      ['/wasm/k.wasm', 'application/wasm'],
      ['/diagnose/', 'text/html; charset=utf-8'],
    ]) {
      const r = await get(port, path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
      expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
      expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
    expect((await get(port, '/')).body).toContain('<title>page</title>');
    const head = await get(port, '/app.js', 'HEAD');
    expect([head.status, head.headers['content-length'], head.body]).toEqual([200, '10', '']);
    const folder = await get(port, '/diagnose');
    expect([folder.status, folder.headers.location]).toEqual([308, 'diagnose/']);
  });

  it('answers 404 for anything outside the folder: .., encoded .., links to a file or folder outside', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/wasm/..%2f..%2fsecret.txt',
      '/linked.txt',
      '/linked-folder/secret.txt',
      '//etc/passwd',
      '/missing.js',
    ]) {
      const r = await get(port, path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toContain('outside the site');
      expect(r.headers['cross-origin-embedder-policy'], path).toBe('require-corp');
    }
  });

  it('answers bad requests and goes on serving', async () => {
    expect((await get(port, '/', 'POST')).status).toBe(405);
    expect((await get(port, '/%zz')).status).toBe(404);
    expect(await raw(port, 'GET http://elsewhere/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    expect(await raw(port, 'NOT A REQUEST\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw(port, `GET /${'a'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 4\d\d /,
    );
    expect((await get(port, '/')).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    expect(await server.interrupt()).toBe(0);
  });

  it('refuses a folder with no page and a bad --port in one line', async () => {
    const empty = await ct3d('serve-web', dir, '--port', '0');
    expect(empty.code).toBe(1);
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
    expect(empty.stderr).toContain('no index.html here');
    const badPort = await ct3d('serve-web', site, '--port', '70000');
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be at most 65535');
  });
});
