// The installed dashboard serves its page: index.html, then every module reachable from its scripts by
// static imports (the page's own modules and uPlot from /vendor/). Prints {served, failed} as JSON.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard } from '@ct3d/dashboard';

const dash = await startDashboard({ runsDir: await mkdtemp(join(tmpdir(), 'ct3d-dash-page-')) });
const served = [];
const failed = [];
const seen = new Set();
async function get(path) {
  const res = await fetch(new URL(path, dash.url));
  const text = await res.text();
  if (res.ok) served.push(path);
  else failed.push(`${path} -> ${res.status}`);
  return text;
}
async function walk(path) {
  if (seen.has(path)) return;
  seen.add(path);
  const text = await get(path);
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
    await walk(new URL(m[1], new URL(path, 'http://page.invalid')).pathname);
  }
}
const html = await get('/');
for (const m of html.matchAll(/<script type="module" src="([^"]+)"/g)) await walk(m[1]);
await dash.close();
console.log(JSON.stringify({ served, failed }));
