#!/usr/bin/env bash
# The same partition on one machine: N processes, one shard each, then one merge. The merged index
# equals `c2llm index FOLDER --output OUT` byte for byte (test/cli-index.test.ts checks it).
#   examples/sharded-index/local-shards.sh FOLDER OUT.c2idx [N]
# C2LLM names the command (default: this checkout's bin/c2llm.js; `npx c2llm` once installed).
set -euo pipefail
folder=$1 out=$2 n=${3:-4}
read -r -a c2llm <<<"${C2LLM:-node $(dirname "$0")/../../bin/c2llm.js}"
tmp=$(mktemp -d)
for i in $(seq 0 $((n - 1))); do
  "${c2llm[@]}" index "$folder" --output "$tmp/shard-$i.c2idx" --shard "$i/$n" --device cpu &
done
wait
"${c2llm[@]}" merge "$tmp"/shard-*.c2idx --output "$out"
rm -r "$tmp"
