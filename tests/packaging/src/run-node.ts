import { execFile } from 'node:child_process';

export interface NodeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs plain `node` (no tsx, no loader) with `args` in `cwd`, killed after `timeoutMs` if given; never throws. */
export function runNode(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 0,
): Promise<NodeRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        maxBuffer: 1 << 26,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs a script and parses the JSON it prints last; fails with its output when it did not exit 0. */
export async function runJson<T>(cwd: string, args: string[]): Promise<T> {
  const r = await runNode(cwd, args);
  if (r.code !== 0) throw new Error(`node ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}
