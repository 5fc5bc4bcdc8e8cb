// Whether our custom WebGPU ops (fused conv, batch norm) are in use: on after registerWebGPUKernels, off after
// restoreStockWebGPUKernels (so an A/B "stock" run uses the plain tfjs ops everywhere).
let enabled = false;

export function ourOpsEnabled(): boolean {
  return enabled;
}

export function setOurOpsEnabled(on: boolean): void {
  enabled = on;
}
