// The exports of winograd.wasm / winograd-relaxed.wasm (wasm-src/*.c): pointers are byte offsets into
// the module's own memory.
export interface WinoExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  wino_block_tiles(c: number, oc: number, m: number): number;
  wino_forward(
    x: number,
    n: number,
    d1: number,
    d2: number,
    d3: number,
    c: number,
    u: number,
    oc: number,
    y: number,
    t: number,
    v: number,
    m: number,
    bias: number,
    arg: number,
    mt: number,
  ): void;
  wino_input_grad(
    dy: number,
    n: number,
    d1: number,
    d2: number,
    d3: number,
    c: number,
    ut: number,
    oc: number,
    dx: number,
    t: number,
    dm: number,
    dv: number,
    pooled: number,
    mt: number,
  ): void;
  wino_filter_grad(
    x: number,
    dy: number,
    n: number,
    d1: number,
    d2: number,
    d3: number,
    c: number,
    oc: number,
    du: number,
    t: number,
    v: number,
    dm: number,
    pooled: number,
    part: number,
    dbias: number,
    mt: number,
  ): void;
  wino_filter(w: number, c: number, oc: number, u: number, m: number): void;
  wino_swap_filter(w: number, c: number, oc: number, wt: number): void;
  wino_filter_grad_out(du: number, c: number, oc: number, dw: number, m: number): void;
  direct1_window_chunk(): number;
  bn_sums(x: number, x2: number, rows: number, c: number, shift: number, mode: number, sums: number): void;
  bn_affine(
    a: number,
    b: number,
    rows: number,
    c: number,
    k: number,
    m: number,
    shift: number,
    off: number,
    out: number,
  ): void;
  direct1_forward_pool(
    x: number,
    n: number,
    d1: number,
    d2: number,
    d3: number,
    wp: number,
    oc: number,
    bias: number,
    pooled: number,
    arg: number,
    a: number,
    cb: number,
  ): void;
  direct1_filter_grad_pooled(
    x: number,
    packed: number,
    n: number,
    d1: number,
    d2: number,
    d3: number,
    oc: number,
    acc: number,
    part: number,
    dw: number,
  ): void;
}
