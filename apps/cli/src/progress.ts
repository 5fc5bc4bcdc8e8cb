/**
 * Progress output: a redrawn bar on a terminal, plain lines (at most one every few seconds) otherwise,
 * so logs in CI stay readable.
 */
export interface ProgressSink {
  update(line: string): void;
  done(line?: string): void;
}

export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  plainEveryMs = 5000,
): ProgressSink {
  const tty = Boolean(stream.isTTY);
  let last = 0;
  let pending = '';
  return {
    update(line) {
      pending = line;
      if (tty) {
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
        return;
      }
      const now = Date.now();
      if (now - last >= plainEveryMs) {
        last = now;
        stream.write(`${line}\n`);
      }
    },
    done(line) {
      const final = line ?? pending;
      if (tty) stream.write('\r\x1b[2K');
      if (final) stream.write(`${final}\n`);
    },
  };
}
