import { execFile } from 'node:child_process';
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
