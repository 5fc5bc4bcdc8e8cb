import { loadAugment } from '@ct3d/augment';
import { startDashboard } from '@ct3d/dashboard';
import { parseIntOption } from '../args.js';
import type { ArgsOf } from '../command.js';
import { readRecipeSource } from '../recipe-option.js';
import { initBackendOption } from './backend-option.js';
import { dashboardToken } from './dashboard-token.js';
import { untilInterrupted } from './interrupted.js';
import type { dashboardOptions } from './options.js';

export { untilInterrupted } from './interrupted.js';

export async function run({ values, given }: ArgsOf<typeof dashboardOptions>): Promise<number> {
  // Heat maps run in this process, on its tfjs backend (pure-JS cpu unless one is set up: minutes a map).
  if (values.cache) await initBackendOption(values.backend);
  const server = await startDashboard({
    runsDir: values.runs,
    cacheDir: values.cache,
    // Not given: the dashboard's own preview (the seed preset).
    ...(given.has('transforms') && { augment: loadAugment(await readRecipeSource(values.transforms)) }),
    port: parseIntOption(values.port, '--port'),
    host: values.host,
    token: await dashboardToken({ token: values.token, tokenFile: values['token-file'] }),
  });
  // Listening before saying so: a Ctrl-C right after the line stops the server instead of killing node.
  const interrupted = untilInterrupted();
  console.log(`dashboard: ${server.url} (Ctrl-C to stop)`);
  console.log('in-browser diagnosis of a run: /runs/<name>/predict/ (linked from the Runs tab)');
  await interrupted;
  await server.close();
  return 0;
}
