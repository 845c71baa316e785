#!/usr/bin/env bash
# Prepares .gpu-train/corpus.xz (ignored by git) for tools/train/gpu/run.sh on the GPU machine: phase 7's
# training pairs (the corpus run.sh builds for phases 5-7, with 35% of its queries stripped of their
# code's words), then two other kinds of description of code from the same sources: test names
# (test_names.py) and comments inside functions (inline_comments.py, over phase 7's own functions), and
# the docstring validation split (eval/data/validation.jsonl), tokenized with C2LLM-nano's tokenizer and
# packed (corpus_pack.py). What is missing is built first, as run.sh does:
# on a fresh machine the Debian packages take the longest (about 11,800 .deb files, 20 minutes here), and
# the corpus needs the packages tools/train/run.sh's header names (openjdk-17-source, golang-1.19-src, …).
#
#   tools/train/gpu/prepare.sh                  # then: device run, carry [".gpu-train"], bash tools/train/gpu/run.sh
#   SHARE=0.8 DOC_TOKENS=192 tools/train/gpu/prepare.sh   # a smaller file, if what is sent tops 64 MiB
set -euo pipefail
cd "$(dirname "$0")/../../.."
PY=/usr/bin/python3
W=.train
[ -d .eval/nl-validation ] || sh ../shared/eval/nl-validation/fetch.sh .eval/nl-validation
[ -d .eval/nl-test ] || sh eval/nl-test/fetch.sh .eval/nl-test
[ -d "$W/debian/packages" ] || tools/train/fetch-debian.sh "$W/debian"
[ -s "$W/corpus-cpp/train.jsonl" ] || $PY tools/train/corpus.py "$W/corpus-cpp" --debian-dir "$W/debian/packages"
[ -s "$W/corpus-gap/train.jsonl" ] || $PY tools/train/lexical_gap.py "$W/corpus-cpp" "$W/corpus-gap" --share 0.35
[ -s "$W/test-names/train.jsonl" ] || $PY tools/train/test_names.py "$W/debian/packages" "$W/test-names"
[ -s "$W/inline-comments/train.jsonl" ] || $PY tools/train/inline_comments.py "$W/corpus-cpp" "$W/inline-comments"
for corpus in corpus-gap test-names inline-comments; do
  [ -s "$W/$corpus/train.ids.jsonl" ] || node tools/train/tokenize.mjs encode models/c2llm-nano "$W/$corpus/train.ids.jsonl" "$W/$corpus/train.jsonl"
done
node tools/train/tokenize.mjs encode models/c2llm-nano "$W/corpus-gap/validation.ids.jsonl" eval/data/validation.jsonl
$PY tools/train/mix_corpus.py "$W/corpus-gap" "$W/test-names" "$W/inline-comments" "$W/corpus-small" --share 1
mkdir -p .gpu-train
$PY tools/train/gpu/corpus_pack.py pack "$W/corpus-small" .gpu-train/corpus.xz --doc-tokens "${DOC_TOKENS:-256}" --share "${SHARE:-1}"
# The sources as this machine's Debian has them today: a model trained on them ships with these manifests.
cp "$W/corpus-cpp/corpus-manifest.json" .gpu-train/corpus-manifest.json
cp "$W/test-names/test-names-manifest.json" .gpu-train/test-names-manifest.json
cmp -s .gpu-train/corpus-manifest.json tools/train/corpus-manifest.json ||
  echo "note: today's corpus differs from the one C2LLM-nano was trained on (tools/train/corpus-manifest.json); .gpu-train/corpus-manifest.json describes it"
tracked=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
carried=$(du -sb .gpu-train | cut -f1)
echo "sent: $(( (tracked + carried) / 1048576 )) MiB of 64 (tracked files $(( tracked / 1048576 )) MiB, .gpu-train $(( carried / 1048576 )) MiB)"
