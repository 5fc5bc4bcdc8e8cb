#!/bin/sh
# Rebuilds ../src/kernels/wasm/winograd{,-relaxed}.wasm from winograd.c (with wino2.h, wino4.h), winograd-filter.c, direct1.c and batchnorm.c (the built files are committed:
# users need no compiler). Needs Debian's clang-19 and lld-19: apt-get install -y clang-19 lld-19
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-19}
OUT=../src/kernels/wasm
# No libc: memset becomes memory.fill (bulk memory); the module owns and exports its memory (grown from JS).
build() {
  "$CLANG" --target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -ffreestanding \
    -fuse-ld=lld -Wl,--no-entry -Wl,--export=__heap_base -Wl,--max-memory=4294967296 \
    -Wl,-z,stack-size=1048576 "$@" winograd.c winograd-filter.c direct1.c batchnorm.c
}
build -o "$OUT/winograd.wasm"
# relaxed-SIMD fused multiply-add (Node 22+, or Node 20 with --experimental-wasm-relaxed-simd)
build -mrelaxed-simd -DRELAXED -o "$OUT/winograd-relaxed.wasm"
ls -l "$OUT"/winograd*.wasm
