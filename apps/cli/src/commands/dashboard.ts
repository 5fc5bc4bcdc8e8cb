import { loadAugment } from '@ct3d/augment';
import { startDashboard } from '@ct3d/dashboard';
import { parseCommand, parseIntOption, requireString } from '../args.js';
import { readRecipeSource } from '../recipe-option.js';
import { dashboardToken } from './dashboard-token.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    runs: { type: 'string' },
    cache: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    transforms: { type: 'string' },
    'token-file': { type: 'string' },
  });
  const server = await startDashboard({
    runsDir: requireString(values.runs, '--runs <dir>'),
    cacheDir: values.cache,
    ...(values.transforms !== undefined && {
      augment: loadAugment(await readRecipeSource(values.transforms)),
    }),
    port: parseIntOption(values.port, '--port', 0),
    host: values.host,
    token: await dashboardToken({ token: values.token, tokenFile: values['token-file'] }),
  });
  console.log(`dashboard: ${server.url} (Ctrl-C to stop)`);
  console.log('in-browser diagnosis of a run: /runs/<name>/predict/ (linked from the Runs tab)');
  await untilInterrupted();
  await server.close();
  return 0;
}

/** Resolves on Ctrl-C or SIGTERM. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
