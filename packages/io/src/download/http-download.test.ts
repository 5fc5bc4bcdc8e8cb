import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError, downloadFile } from './http-download.js';
import { parseContentRange, resumeValidator } from './part-meta.js';
import { startTestServer, type TestServer } from './test-support.js';

const payload = randomBytes(300_000);
const sha = createHash('sha256').update(payload).digest('hex');
let server: TestServer;
let dir = '';
let n = 0;

beforeAll(async () => {
  server = await startTestServer({ 'CT-0.zip': payload });
  dir = await mkdtemp(join(tmpdir(), 'ct3d-download-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  server.behavior = {};
  server.requests.length = 0;
  server.files.set('CT-0.zip', payload);
});

/** A fresh destination per test, so tests do not see each other's files. */
function dest(): string {
  return join(dir, `t${++n}`, 'CT-0.zip');
}

async function fetchIt(path: string, extra: Partial<Parameters<typeof downloadFile>[0]> = {}) {
  await mkdir(join(path, '..'), { recursive: true });
  const notices: string[] = [];
  const result = await downloadFile({
    url: `${server.baseUrl}CT-0.zip`,
    dest: path,
    retryDelayMs: 5,
    onNotice: (m) => notices.push(m),
    ...extra,
  });
  return { result, notices };
}

describe('downloadFile', () => {
  it('follows the redirect and verifies size and SHA-256', async () => {
    const path = dest();
    const { result } = await fetchIt(path, { size: payload.length, sha256: sha });
    expect(result).toMatchObject({
      bytes: payload.length,
      sha256: sha,
      alreadyPresent: false,
      sizeChecked: true,
    });
    expect(Buffer.compare(await readFile(path), payload)).toBe(0);
    expect(server.requests.map((r) => r.path)).toEqual(['/storage/CT-0.zip']);
    expect(existsSync(`${path}.part`)).toBe(false);
    expect(await readFile(`${path}.sha256`, 'utf8')).toBe(`${sha}  CT-0.zip\n`);
  });

  it('resumes a connection cut mid-file with Range and If-Range, ending with identical bytes', async () => {
    server.behavior = { cutAfter: 120_000, cutTimes: 1 };
    const path = dest();
    const { result, notices } = await fetchIt(path, { size: payload.length });
    expect(Buffer.compare(await readFile(path), payload)).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0].range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(120_000);
    expect(server.requests[1].ifRange).toMatch(/^".+"$/); // the ETag from the first response
    expect(notices.join('\n')).toMatch(/CT-0\.zip: connection lost after \d+ bytes.*retry 1\/5/);
    expect(result.sha256).toBe(sha);
  });

  it('resumes a .part left by an earlier run, and starts over when the file changed on the server', async () => {
    server.behavior = { cutAfter: 100_000, cutTimes: 1 };
    const path = dest();
    await expect(fetchIt(path, { retries: 0 })).rejects.toThrow(
      /gave up after 0 retries \(partial file kept/,
    );
    const partial = (await stat(`${path}.part`)).size;
    expect(partial).toBeGreaterThan(0);
    const changed = randomBytes(200_000);
    server.files.set('CT-0.zip', changed); // new ETag: If-Range fails, the server sends the whole file
    const { result, notices } = await fetchIt(path);
    expect(server.requests.at(-1)?.range).toBe(`bytes=${partial}-`);
    expect(result.resumedFrom).toBe(partial);
    expect(Buffer.compare(await readFile(path), changed)).toBe(0);
    expect(notices.join('\n')).toContain('restarting from 0');
  });

  it('restarts from 0 when the server ignores Range (200 to a Range request)', async () => {
    server.behavior = { cutAfter: 150_000, cutTimes: 1, ignoreRange: true };
    const path = dest();
    const { notices } = await fetchIt(path, { size: payload.length });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].range).toMatch(/^bytes=\d+-$/);
    expect(Buffer.compare(await readFile(path), payload)).toBe(0);
    expect(notices.join('\n')).toContain('ignored the Range request');
  });

  it('fails a wrong size with one line naming the file, keeping the partial file', async () => {
    server.behavior = { truncateTo: 70_000 }; // no Content-Length, a clean but short body
    const path = dest();
    const err = await fetchIt(path, { size: payload.length }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    const message = (err as Error).message;
    expect(message).toBe(
      `CT-0.zip: got 70000 bytes, expected ${payload.length} (partial file kept at ${path}.part)`,
    );
    expect(message).not.toContain('\n');
    expect((await stat(`${path}.part`)).size).toBe(70_000);
    expect(existsSync(path)).toBe(false);
  });

  it('fails at once when the server reports another size than the known one', async () => {
    const path = dest();
    await expect(fetchIt(path, { size: payload.length + 1 })).rejects.toThrow(
      `CT-0.zip: server reports ${payload.length} bytes, expected ${payload.length + 1}`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('fails a SHA-256 mismatch and keeps the file for inspection', async () => {
    const path = dest();
    await expect(fetchIt(path, { sha256: '0'.repeat(64) })).rejects.toThrow(
      /CT-0\.zip: SHA-256 \w+ does not match/,
    );
    expect(existsSync(`${path}.part`)).toBe(true);
  });

  it('does not retry a 404, and gives up on a server that keeps cutting', async () => {
    const path = dest();
    await expect(
      downloadFile({ url: `${server.baseUrl}missing.zip`, dest: path, retryDelayMs: 1 }),
    ).rejects.toThrow(/^CT-0\.zip: HTTP 404 from http:\/\/127\.0\.0\.1:\d+\/storage\/missing\.zip/);
    expect(server.requests).toHaveLength(1);
    server.requests.length = 0;
    server.behavior = { cutAfter: 0, cutTimes: 100 };
    await expect(fetchIt(dest(), { retries: 2 })).rejects.toThrow(/gave up after 2 retries/);
    expect(server.requests).toHaveLength(3);
  });

  it('times out a stalled body and keeps what arrived', async () => {
    server.behavior = { stallAfter: 50_000 };
    const path = dest();
    await expect(fetchIt(path, { retries: 0, timeoutMs: 300 })).rejects.toThrow(
      /^CT-0\.zip: connection lost after \d+ bytes \(no data for 0\.3 s\); gave up after 0 retries/,
    );
    expect((await stat(`${path}.part`)).size).toBeGreaterThan(0);
  });

  it('skips a file that is already complete without a request', async () => {
    const path = dest();
    await fetchIt(path, { size: payload.length });
    server.requests.length = 0;
    const { result } = await fetchIt(path, { size: payload.length });
    expect(result).toMatchObject({ alreadyPresent: true, sha256: sha, bytes: payload.length });
    expect(server.requests).toHaveLength(0);
  });
});

describe('resume helpers', () => {
  it('parses Content-Range and picks a strong validator', () => {
    expect(parseContentRange('bytes 10-19/100')).toEqual({ start: 10, end: 19, total: 100 });
    expect(parseContentRange('bytes */100')).toEqual({ total: 100 });
    expect(parseContentRange('junk')).toBeUndefined();
    const meta = { url: 'u', etag: '"abc"', lastModified: 'Tue, 01 Jan 2030 00:00:00 GMT' };
    expect(resumeValidator(meta, 'u')).toBe('"abc"');
    expect(resumeValidator({ ...meta, etag: 'W/"abc"' }, 'u')).toBe(meta.lastModified);
    expect(resumeValidator(meta, 'other')).toBeUndefined();
  });
});
