// Names a WebGPU adapter and tells software rasterizers (slower than the wasm kernels) from hardware;
// shared by Node (Dawn) and pages (navigator.gpu).

export interface WebGPUInfo {
  adapter: string;
  software: boolean;
}

const SOFTWARE_PATTERN = /llvmpipe|lavapipe|swiftshader|software|\bcpu\b/i;

/** Describes an adapter in one line: vendor, device, description. */
export function describeAdapter(info: GPUAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(
    (s) => typeof s === 'string' && s.length > 0,
  );
  return [...new Set(parts)].join(' / ') || 'unknown adapter';
}

/** Names an adapter and tells whether it is a software rasterizer (slower than the wasm kernels). */
export function classifyAdapter(info: GPUAdapterInfo, fallback: boolean): WebGPUInfo {
  const adapterName = describeAdapter(info);
  const software = fallback || info.architecture === 'software' || SOFTWARE_PATTERN.test(adapterName);
  return { adapter: adapterName, software };
}

/** Requests `gpu`'s high-performance adapter and classifies it; throws `noAdapter` when there is none. */
export async function requestAdapterInfo(gpu: GPU, noAdapter: string): Promise<WebGPUInfo> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error(noAdapter);
  return classifyAdapter(
    adapter.info,
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
  );
}
