// Where `ct3d dashboard` takes its token from: --token is visible to every user (ps) and kept in shell
// history, so it also comes from a file (--token-file) or the environment (CT3D_DASHBOARD_TOKEN).
import { readFile, stat } from 'node:fs/promises';
import { printable } from '@ct3d/core';
import { UsageError } from '../args.js';

export const TOKEN_ENV = 'CT3D_DASHBOARD_TOKEN';
/** A token file is a line, not a document: anything larger is the wrong file. */
const MAX_TOKEN_FILE_BYTES = 4096;

/** The token text of `path`, trimmed; a missing, unreadable, non-regular, huge or empty file is one line. */
async function readTokenFile(path: string, warn: (line: string) => void): Promise<string> {
  const name = `--token-file ${printable(path)}`;
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${name}: cannot read it (${err.code ?? err.message})`);
  });
  if (!info.isFile()) throw new Error(`${name}: not a regular file`);
  if (info.size > MAX_TOKEN_FILE_BYTES) {
    throw new Error(
      `${name}: ${info.size} bytes; a token file holds one line (at most ${MAX_TOKEN_FILE_BYTES} bytes)`,
    );
  }
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${name}: cannot read it (${err.code ?? err.message})`);
  });
  const token = text.trim();
  if (token === '') throw new Error(`${name}: the file is empty`);
  // As ssh does for keys, though a warning only: other users could read the token.
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    warn(`${name}: readable by other users (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`);
  }
  return token;
}

/**
 * The dashboard token: --token (with a warning that it is visible to other users), else --token-file, else
 * CT3D_DASHBOARD_TOKEN, else none. --token and --token-file together are a usage error.
 */
export async function dashboardToken(
  flags: { token?: string; tokenFile?: string },
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (line) => console.error(`ct3d dashboard: warning: ${line}`),
): Promise<string | undefined> {
  if (flags.token !== undefined && flags.tokenFile !== undefined) {
    throw new UsageError('give --token or --token-file, not both');
  }
  if (flags.token !== undefined) {
    warn(
      `--token on the command line is visible to other users (ps) and in shell history; use ${TOKEN_ENV} or --token-file`,
    );
    return flags.token;
  }
  if (flags.tokenFile !== undefined) return readTokenFile(flags.tokenFile, warn);
  const fromEnv = env[TOKEN_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv.trim();
}
