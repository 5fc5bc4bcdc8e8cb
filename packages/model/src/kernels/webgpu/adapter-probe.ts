// Looks at the WebGPU adapter from a child process, so that choosing a backend never loads Dawn into this
// process (nor lets Dawn print its warnings here) unless the adapter will be used.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { classifyAdapter, type WebGPUInfo } from './adapter-info.js';
import { DAWN_MISSING, dawnOptions } from './device.js';

const SCRIPT = `
const [url, options] = JSON.parse(process.argv[1]);
const mod = await import(url);
const adapter = await mod.create(options).requestAdapter({ powerPreference: 'high-performance' });
const info = adapter && adapter.info;
const pick = info && { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description };
process.stdout.write(JSON.stringify({ info: pick, fallback: !!(adapter && adapter.isFallbackAdapter) }));
process.exit(0);`;

/** The adapter Dawn would give, described; rejects with a one-line reason when there is none. */
export async function probeAdapterIsolated(timeoutMs = 30_000): Promise<WebGPUInfo> {
  let url: string;
  try {
    url = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch {
    throw new Error(DAWN_MISSING);
  }
  const args = ['--input-type=module', '-e', SCRIPT, JSON.stringify([url, dawnOptions()])];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { timeout: timeoutMs }, (err, out, errText) => {
      if (err) {
        const last = errText.trim().split('\n').filter(Boolean).pop() ?? err.message;
        reject(new Error(`adapter probe failed (${last})`));
      } else resolve(out);
    });
  });
  const { info, fallback } = JSON.parse(stdout) as { info: GPUAdapterInfo | null; fallback: boolean };
  if (!info) throw new Error('no WebGPU adapter (Dawn found no Vulkan, Metal or D3D12 device)');
  return classifyAdapter(info, fallback);
}
