#!/usr/bin/env bash
# Here, after tools/train/gpu/run.sh on the GPU machine: the state it sent back joined (weights.py), exported
# to the C2LLM layout with PyTorch's parity embeddings (export.py), its int8 layout written (c2llm
# quantize), and measured on the validation sets beside C2LLM-nano's card (npm run eval --validation-only).
#
#   tools/train/gpu/finish.sh FILES_AT [OUT_DIR]     # OUT_DIR: .train/small (the model), OUT_DIR-int8
set -euo pipefail
cd "$(dirname "$0")/../../.."
files=${1:?the folder where the device run sent its files}
out=${2:-.train/small}
PY=/usr/bin/python3
$PY tools/train/gpu/weights.py join "$files" "$out-run"
$PY tools/train/export.py "$out-run" models/c2llm-nano "$out"
npm run --silent build:cli
rm -rf "$out-int8" && node bin/c2llm.js quantize --model "$out" --output "$out-int8"
npm run --silent eval -- --model "$out" --validation-only | tee "$out-validation.md"
