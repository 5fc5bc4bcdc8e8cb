// Suites that need a tool the machine may lack (Chromium, a WebGPU adapter, Orthanc) skip loudly on a developer's
// machine and fail in CI, where .ci/run installs the tools and sets CT3D_REQUIRE_BROWSER / CT3D_REQUIRE_GPU
// / CT3D_REQUIRE_ORTHANC.
import { existsSync } from 'node:fs';

export type RequiredTool = 'browser' | 'gpu' | 'orthanc';

const HOW: Record<RequiredTool, { env: string; install: string }> = {
  browser: { env: 'CT3D_REQUIRE_BROWSER', install: 'apt-get install -y chromium' },
  gpu: { env: 'CT3D_REQUIRE_GPU', install: 'bash scripts/install-lavapipe.sh (a software Vulkan adapter)' },
  orthanc: { env: 'CT3D_REQUIRE_ORTHANC', install: 'apt-get install -y orthanc orthanc-dicomweb' },
};

/** True when the tool is there; otherwise a loud skip banner, or an error when CI requires the tool. */
export function toolAvailable(tool: RequiredTool, available: boolean, what: string, why: string): boolean {
  if (available) return true;
  const { env, install } = HOW[tool];
  const msg = `\n*** SKIPPING ${what}: ${why}. Install it: ${install} ***\n`;
  if (process.env[env] === '1') throw new Error(`${msg}(${env}=1: this run requires it)`);
  console.warn(msg);
  return false;
}

/** The Chromium binary the browser tests drive (CT3D_CHROMIUM, default Debian's /usr/bin/chromium). */
export const CHROMIUM = process.env.CT3D_CHROMIUM ?? '/usr/bin/chromium';

/** Whether Chromium is installed, with the loud skip / CI failure of toolAvailable. */
export function chromiumAvailable(what: string): boolean {
  return toolAvailable('browser', existsSync(CHROMIUM), what, `${CHROMIUM} not found`);
}
