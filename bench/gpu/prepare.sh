#!/usr/bin/env bash
# Run HERE (the dev machine, Node 20 + pnpm install done), from anywhere in the repo:
#   bash bench/gpu/prepare.sh
# Makes .gpu/ (Node + Vulkan loader, via ../shared/gpu/prepare.sh) and .gpu-bench/ (the bundled benchmark,
# Dawn's dawn.node xz-compressed, torch_step.py). Both are ignored by git (.git/info/exclude) and are what the
# device call carries.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
out=.gpu-bench
grep -qx '/.gpu-bench/' .git/info/exclude 2>/dev/null || echo '/.gpu-bench/' >> .git/info/exclude
if [ ! -f .gpu/enter.sh ]; then
  shared_prepare="$root/../shared/gpu/prepare.sh"
  [ -f "$shared_prepare" ] || { echo "prepare: .gpu/ missing and $shared_prepare not found" >&2; exit 1; }
  bash "$shared_prepare"
fi
rm -rf "$out"
mkdir -p "$out/node_modules/webgpu/dist/linux-x64"
# One ESM bundle; webgpu stays external (native addon). createRequire lets bundled CJS require node builtins.
# --ignore-annotations: keep packages/model/src/tf.ts's bare import of tfjs-backend-cpu (its package.json marks
# that entry side-effect free, and tf.ts selects 'cpu' at import).
node_modules/.bin/esbuild bench/gpu/train_step.ts --bundle --platform=node --format=esm --target=node20 \
  --ignore-annotations --external:webgpu --outfile="$out/train_step.mjs" --log-level=warning \
  --banner:js="import { createRequire as __ct3dCreateRequire } from 'node:module'; const require = __ct3dCreateRequire(import.meta.url);"
webgpu_dir=$(cd packages/model && node -e "console.log(require('node:path').dirname(require.resolve('webgpu/package.json')))" 2>/dev/null \
  || readlink -f packages/model/node_modules/webgpu)
cp "$webgpu_dir/package.json" "$webgpu_dir/index.js" "$out/node_modules/webgpu/"
xz -T2 -6 -c "$webgpu_dir/dist/linux-x64/dawn.node" > "$out/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
torch="$root/../shared/bench/torch_step.py"
if [ -f "$torch" ]; then cp "$torch" "$out/torch_step.py"; else echo "prepare: warning: $torch not found (no PyTorch peer)" >&2; fi
du -sh .gpu "$out"
echo "ready: device command: bash bench/gpu/run.sh   (carry: [\".gpu\", \".gpu-bench\"])"
