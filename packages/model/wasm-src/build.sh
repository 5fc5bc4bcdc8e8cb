#!/bin/sh
# Rebuilds ../src/kernels/wasm/winograd.wasm from winograd.c (the built file is committed: users need no
# compiler). Needs Debian's clang-19 and lld-19: apt-get install -y clang-19 lld-19
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-19}
OUT=../src/kernels/wasm/winograd.wasm
# No libc: memset becomes memory.fill (bulk memory); the module owns and exports its memory (grown from JS).
"$CLANG" --target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -ffreestanding \
  -fuse-ld=lld -Wl,--no-entry -Wl,--export=__heap_base -Wl,--max-memory=4294967296 \
  -Wl,-z,stack-size=1048576 -o "$OUT" winograd.c
echo "wrote $OUT ($(wc -c < "$OUT") bytes)"
