#!/usr/bin/env bash
# Run ON THE GPU MACHINE from the repo root after bench/gpu/prepare.sh ran here (carry .gpu and .gpu-bench):
#   bash bench/gpu/run.sh            # 128x128x64: ours b8 (robustness on/off), phase breakdown, PyTorch b8, ours b2
#   bash bench/gpu/run.sh --full     # also torch b2, GPU-time profile, per-op times, stock kernels, probes
#   bash bench/gpu/run.sh --tiny     # here, on lavapipe: 48^3 ours (+ phases), no .gpu/enter.sh
#   bash bench/gpu/run.sh --relative # here, on lavapipe: 48^3 batch 2, stock vs ours with plain-op BN vs ours
#                                    #   (ms/step and Dawn dispatches per step; REL_SIZE="W H D" to change)
# Prints one JSON line per configuration; a failed or timed-out configuration prints an "error" line and the
# script goes on. Default worst case 140 s (sum of per-configuration timeouts), typically about 1 minute.
set -uo pipefail
cd "$(dirname "$0")/../.."
tiny=0
full=0
[ "${1:-}" = "--tiny" ] && tiny=1
[ "${1:-}" = "--full" ] && full=1
relative=0
[ "${1:-}" = "--relative" ] && relative=1 && tiny=1
b=.gpu-bench
[ -f "$b/train_step.mjs" ] || { echo '{"error": ".gpu-bench/train_step.mjs missing: run bash bench/gpu/prepare.sh first"}'; exit 1; }
if [ "$tiny" = 0 ]; then
  # shellcheck disable=SC1091
  source .gpu/enter.sh
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || true
fi
dawn="$b/node_modules/webgpu/dist/linux-x64/dawn.node"
if [ ! -f "$dawn" ]; then
  python3 -c "import lzma,shutil,sys;shutil.copyfileobj(lzma.open(sys.argv[1]+'.xz'),open(sys.argv[1],'wb'))" "$dawn"
fi

# config LABEL TIMEOUT_S CMD...: run one configuration, always printing something.
config() {
  local label=$1 limit=$2; shift 2
  local start=$SECONDS
  timeout --kill-after=5 "$limit" "$@" 2> "/tmp/ct3d-bench-$label.err"
  local rc=$?
  if [ $rc -ne 0 ]; then
    local tail_err
    tail_err=$(grep -v '^Warning: max' "/tmp/ct3d-bench-$label.err" | tail -5 | tr '\n"\\' "  /" | cut -c1-600)
    echo "{\"config\": \"$label\", \"error\": \"exit $rc after $((SECONDS - start)) s (124 = timeout)\", \"stderr_tail\": \"$tail_err\"}"
  else
    grep -v '^Warning: max' "/tmp/ct3d-bench-$label.err" | grep -E 'adapter|warmup' | sed "s/^/# $label: /" >&2
  fi
  # Dawn reports shader/validation errors on stderr without failing the run: never let them pass silently.
  grep -A2 -E '^validation:|Error while parsing WGSL|^Uncaptured|device lost' "/tmp/ct3d-bench-$label.err" | head -6 |
    sed "s/^/# $label: WEBGPU ERROR: /" >&2
}


if [ "$relative" = 1 ]; then
  # relative speed on lavapipe (CPU Vulkan; GPU speed is NOT measured here): one warm-up + 2 timed steps each
  size=${REL_SIZE:-48 48 48}
  # stock: one timed step (a stock step is minutes on lavapipe)
  config rel-stock-b2 500 node "$b/train_step.mjs" --kernels stock --batch 2 --size $size --steps 1
  CT3D_WEBGPU_BN=plain \
    config rel-ours-plainbn-b2 400 node "$b/train_step.mjs" --kernels ours --batch 2 --size $size --steps 2 --budget-s 600
  config rel-ours-b2 400 node "$b/train_step.mjs" --kernels ours --batch 2 --size $size --steps 2 --budget-s 600
  rm -f "$dawn"
  exit 0
fi

if [ "$tiny" = 1 ]; then
  size="48 48 48"
  # smoke test on lavapipe: a whole step and the phase breakdown (stock/ops with --tiny --full)
  config ours-b1 300 node "$b/train_step.mjs" --kernels ours --batch 1 --size $size --steps 1
  config phases-ours-b1 300 node "$b/train_step.mjs" --phases --kernels ours --batch 1 --size $size --steps 1
  # the same with tfjs's AdamOptimizer instead of the fused one (optimizer_issue before/after)
  CT3D_ADAM=stock config phases-ours-stockadam-b1 300 node "$b/train_step.mjs" --phases --kernels ours --batch 1 --size $size --steps 1
  if [ "${2:-}" = "--full" ]; then
    config stock-b1 300 node "$b/train_step.mjs" --kernels stock --batch 1 --size $size --steps 1
    config ops-ours-b1 300 node "$b/train_step.mjs" --ops --kernels ours --batch 1 --size $size
  fi
  rm -f "$dawn" # keep .gpu-bench small for the carry (the .xz stays)
  exit 0
fi

size="128 128 64"
norobust="enable-dawn-features=allow_unsafe_apis,disable_robustness"
# Default run: 140 s of timeouts in all (the device call has ~5 minutes including startup).
config ours-b8 30 node "$b/train_step.mjs" --kernels ours --batch 8 --size $size --steps 5 --budget-s 10
CT3D_WEBGPU_FLAGS=$norobust \
  config ours-norobust-b8 25 node "$b/train_step.mjs" --kernels ours --batch 8 --size $size --steps 5 --budget-s 8
# where one step's wall time goes: per-phase times (issue-only and synced) and per-step Dawn call counts
config phases-ours-b8 35 node "$b/train_step.mjs" --phases --kernels ours --batch 8 --size $size --steps 2
if [ -f "$b/torch_step.py" ]; then
  config torch-b8 30 python3 "$b/torch_step.py" --device cuda --size $size --batch 8 --steps 10 --warmup 2
fi
config ours-b2 20 node "$b/train_step.mjs" --kernels ours --batch 2 --size $size --steps 5 --budget-s 6
[ "$full" = 1 ] || exit 0

# --full: the first run's extra configurations (about 4 more minutes)
if [ -f "$b/torch_step.py" ]; then
  config torch-b2 35 python3 "$b/torch_step.py" --device cuda --size $size --batch 2 --steps 10 --warmup 2
fi
config profile-ours-b8 45 node "$b/train_step.mjs" --profile --kernels ours --batch 8 --size $size
config ops-ours-b2 35 node "$b/train_step.mjs" --ops --kernels ours --batch 2 --size $size
config stock-b2 45 node "$b/train_step.mjs" --kernels stock --batch 2 --size $size --steps 3 --budget-s 12
config stock-b8 50 node "$b/train_step.mjs" --kernels stock --batch 8 --size $size --steps 2 --budget-s 15
CT3D_WEBGPU_TILE=256 config ops-ours-tile256-b2 35 node "$b/train_step.mjs" --ops --kernels ours --batch 2 --size $size
CT3D_TFJS_FLAGS=WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=1000 \
  config phases-ours-submit1000-b8 45 node "$b/train_step.mjs" --phases --kernels ours --batch 8 --size $size --steps 2
