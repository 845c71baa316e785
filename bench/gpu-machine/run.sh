#!/usr/bin/env bash
# The engine on a real GPU, side by side with PyTorch on the same chip, in one run (issue #24): runs on the
# lent GPU machine (PyTorch with CUDA, an NVIDIA Vulkan driver, no Node, no registry), from the repository
# root, with .gpu/ carried (bench/gpu-machine/pack.sh makes it here first):
#
#   bench/gpu-machine/pack.sh                                    # here
#   device run, carry [".gpu"], timeout_s 540: bash bench/gpu-machine/run.sh
#   then, if device time is left, a second: SIZE=7b bash bench/gpu-machine/run.sh
#
# 1. Unpacks Node, Dawn and the Vulkan loader, and checks the engine against the float64 goldens there.
# 2. engine.js writes C2LLM-0.5B's shapes (SIZE=7b: C2LLM-7B's, 7.7 GB) with random weights in the int8
#    layout ($LAYERS layers, default the model's own: 24, 28), and the same values as BF16, and measures the
#    WebGPU engine on 1x20, 1x512, 8x512 and 32x256 tokens, with bf16 and then int8 weights (7B: int8 first,
#    the issue's first ask; RUNS 3).
# 3. torch_bench.py runs tools/train/model.py on the same weights and GPU: fp32 eager (TF32 off), bf16 eager,
#    bf16 torch.compile (7B: not compiled, for time); and compares the engine's probe embeddings with PyTorch's.
# 4. report.py writes the tables. Everything lands in $OUT (the device tool brings it back): report.md,
#    engine-<size>-<dtype>.json, torch-<size>.json, gpu.csv, nvidia-smi.txt, log.txt.
# Each step has its own time limit, so one that hangs leaves the others' results. A dry run here, on
# SwiftShader and the CPU (what CI-less checking of this script can do):
#   UNPACK_LOADERS=0 LAYERS=1 RUNS=1 DEVICE=cpu PYTHON=/usr/bin/python3 ENGINE_FLAGS="--workloads 1x20 --profile 1x20" \
#     TORCH_FLAGS="--workloads 1x20" OUT=/tmp/gpu-dry bash bench/gpu-machine/run.sh      # and again with SIZE=7b
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-.gpu/out}
work=${WORK:-/tmp/c2llm-gpu}
size=${SIZE:-0.5b}
# Each step's time limit in seconds; the 7B's add up to under the device's 600 s a command.
declare -A limit
case $size in
  0.5b) dtypes="bf16 int8" runs=${RUNS:-5} variants=fp32,bf16,bf16-compile limit=([bf16]=200 [int8]=200 [torch]=240) ;;
  7b) dtypes="int8 bf16" runs=${RUNS:-3} variants=fp32,bf16 limit=([int8]=280 [bf16]=150 [torch]=160) ;;
  *) echo "SIZE: 0.5b or 7b, not $size"; exit 2 ;;
esac
mkdir -p "$out" "$work"
exec > >(tee "$out/log.txt") 2>&1

if [ "${UNPACK_LOADERS:-1}" = 1 ]; then
  for f in .gpu/debs/lib{vulkan1,egl1,glvnd0,opengl0,gl1,glx0,gles2}_*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
xz -dc .gpu/node.xz > "$work/node" && chmod +x "$work/node"
tar -xJf .gpu/webgpu.tar.xz -C "$work"
cp .gpu/engine.js "$work/engine.js"   # beside node_modules/webgpu, where its import finds it
libstdcxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if ! grep -qa GLIBCXX_3.4.30 "$libstdcxx"; then
  dpkg -x .gpu/debs/libstdc++6_*.deb "$work/compat"
  export LD_LIBRARY_PATH="$work/compat/usr/lib/x86_64-linux-gnu"
  echo "libstdc++ here ($libstdcxx) is older than dawn.node needs: Debian's carried one is used"
fi
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; fi
done
echo "Vulkan driver: ${VK_DRIVER_FILES:-none found}; node $("$work/node" --version)"
nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.csv" 2>/dev/null || true

for dtype in $dtypes; do
  timeout "${limit[$dtype]}" "$work/node" "$work/engine.js" --out "$work/run" --size "$size" ${LAYERS:+--layers "$LAYERS"} --runs "$runs" \
    --dtype "$dtype" ${ENGINE_FLAGS:-} && cp "$work/run/engine-$size-$dtype.json" "$out/" || echo "engine ($size, $dtype) failed or ran out of time"
done
engines=()
for f in "$out"/engine-"$size"-*.json; do [ -f "$f" ] && engines+=(--engine "$f"); done
PYTHONUNBUFFERED=1 timeout "${limit[torch]}" "${PYTHON:-python3}" bench/gpu-machine/torch_bench.py --checkpoint "$work/run/checkpoint-$size-int8" "${engines[@]}" \
  --out "$out/torch-$size.json" --runs "$runs" --variants "$variants" --device "${DEVICE:-cuda}" ${TORCH_FLAGS:-} || echo "PyTorch failed or ran out of time"
"${PYTHON:-python3}" bench/gpu-machine/report.py "$out"
