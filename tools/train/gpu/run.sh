#!/usr/bin/env bash
# Trains the C2LLM-small candidate on the GPU machine (PyTorch there, no Node, no registry). Prepare it
# here with tools/train/gpu/prepare.sh, then one device command, carry [".gpu-train"]:
#
#   bash tools/train/gpu/run.sh        # about 8 minutes: unpack, train (recipes/small.toml), shards
#
# What comes back in $OUT: the best state by docstring validation MRR@10, its weights as shards under
# 16 MiB (gpu/weights.py split), with state.json, args.json and curve.jsonl; tools/train/gpu/README.md
# says what to do with them here. Flags given are train.py's and override the recipe; the rehearsal on
# this machine's CPU (a model too small to mean anything, the same steps):
#   OUT=/tmp/out PYTHON=/usr/bin/python3 bash tools/train/gpu/run.sh --device cpu --hidden 64 \
#     --intermediate 128 --layers 1 --batch 64 --budget-minutes 0.3 --eval-every 20 --warmup 5
set -euo pipefail
cd "$(dirname "$0")/../../.."
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
OUT=${OUT:?the device machine sets OUT, the folder whose files come back}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$PY tools/train/gpu/corpus_pack.py unpack .gpu-train/corpus.xz "$work/data"
command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
(cd tools/train && $PY train.py --recipe recipes/small.toml --device cuda --data "$work/data" \
  --tokenizer ../../models/c2llm-nano --out "$work/run" "$@")
$PY tools/train/gpu/weights.py split "$work/run/best.pt" "$OUT"
cp "$work/run/args.json" "$work/run/curve.jsonl" "$OUT/"
