import { printable } from '@ct3d/core';
import { serveSite } from '@ct3d/web';
import { parseIntOption, UsageError } from '../args.js';
import type { ArgsOf } from '../command.js';
import { untilInterrupted } from './interrupted.js';
import type { serveWebOptions } from './options.js';

export async function run({ values, positionals }: ArgsOf<typeof serveWebOptions>): Promise<number> {
  const [root] = positionals;
  const port = parseIntOption(values.port, '--port');
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got "${values.port}"`);
  const server = await serveSite({ root, port, host: values.host });
  const interrupted = untilInterrupted();
  console.log(`serving ${printable(root)} at ${server.url} (Ctrl-C to stop)`);
  console.log(
    'cross-origin isolated (COOP/COEP headers): the training page trains on 2 threads; browsers isolate only https:// or loopback addresses',
  );
  await interrupted;
  await server.close();
  return 0;
}
