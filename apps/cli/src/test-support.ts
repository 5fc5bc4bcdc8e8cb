import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` (a CLI entry and its arguments) to the end: exit code and both outputs, never throws. */
export async function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as CliResult;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsxLoader = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/cli')), 'loader.mjs'),
).href;

/** Node arguments that run the CLI from its TypeScript sources, in the node process itself (tsx's loader). */
export function ct3dNodeArgs(args: string[]): string[] {
  return ['--import', tsxLoader, main, ...args];
}

/** A CLI command running in the background (a server), with its output so far. */
export interface Running {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves with the first match of `pattern` in stdout, rejecting if the process exits first. */
  line(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

/** Starts the CLI with `args` and `env` in the background (stopped with interrupt()). */
export function startCli(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ct3dNodeArgs(args), {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    out: () => out,
    err: () => err,
    line: async (pattern) => {
      for (;;) {
        const m = pattern.exec(out);
        if (m) return m;
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} first:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    interrupt: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}
