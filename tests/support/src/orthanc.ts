// A real Orthanc (Debian `orthanc` + `orthanc-dicomweb`) for the PACS tests: a temporary configuration on a
// free loopback port with basic auth, started as a child process, stopped (and its folder removed) by stop().
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolAvailable } from './required-tools.js';

export const ORTHANC = process.env.CT3D_ORTHANC ?? '/usr/sbin/Orthanc';
export const ORTHANC_DICOMWEB_PLUGIN =
  process.env.CT3D_ORTHANC_DICOMWEB ?? '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** Whether Orthanc and its DICOMweb plugin are installed, with toolAvailable's loud skip / CI failure. */
export function orthancAvailable(what: string): boolean {
  const missing = [ORTHANC, ORTHANC_DICOMWEB_PLUGIN].filter((p) => !existsSync(p));
  return toolAvailable('orthanc', missing.length === 0, what, `${missing.join(', ')} not found`);
}

export interface OrthancServer {
  /** http://127.0.0.1:<port> (no credentials). */
  url: string;
  /** The DICOMweb root, `${url}/dicom-web`. */
  dicomweb: string;
  user: string;
  password: string;
  /** Stores Part-10 files (POST /instances); resolves with Orthanc's instance ids. */
  upload(files: string[]): Promise<string[]>;
  /** What Orthanc printed so far (for a failing test's message). */
  log(): string;
  /** Stops Orthanc and removes its storage; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOrthancOptions {
  user?: string;
  password?: string;
  /** How long Orthanc may take to answer (default 30 s). */
  startTimeoutMs?: number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

const running = new Set<ChildProcess>();
// A test run that dies between start and stop must not leave an Orthanc behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startOrthanc(opts: StartOrthancOptions = {}): Promise<OrthancServer> {
  const { user = 'ct3d', password = 'secret', startTimeoutMs = 30_000 } = opts;
  const dir = await mkdtemp(join(tmpdir(), 'ct3d-orthanc-'));
  const port = await freePort();
  const config = {
    Name: 'ct3d-test',
    HttpPort: port,
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [user]: password },
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'storage'),
    Plugins: [ORTHANC_DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const child = spawn(ORTHANC, [configPath], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const url = `http://127.0.0.1:${port}`;
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  const stop = async () => {
    if (!stopped) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `Orthanc exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`,
        );
      }
      const status = await fetch(`${url}/system`, { headers: { authorization } }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline) {
        throw new Error(`Orthanc did not answer on ${url} within ${startTimeoutMs / 1000} s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    dicomweb: `${url}/dicom-web`,
    user,
    password,
    async upload(files) {
      const ids: string[] = [];
      for (const file of files) {
        const response = await fetch(`${url}/instances`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/dicom' },
          body: await readFile(file),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`Orthanc refused ${file}: HTTP ${response.status} ${text}`);
        ids.push((JSON.parse(text) as { ID: string }).ID);
      }
      return ids;
    },
    log: () => output,
    stop,
  };
}
