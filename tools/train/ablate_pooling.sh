#!/usr/bin/env bash
# The pooling ablation: PMA (C2LLM's head) against mean and last-token (EOS) pooling, same data, same model
# size, same wall-clock budget each, one thread each. Writes RUN_ROOT/pool-{pma,mean,eos}/curve.jsonl.
#   tools/train/ablate_pooling.sh DATA_DIR TOKENIZER_DIR RUN_ROOT [MINUTES]
set -euo pipefail
cd "$(dirname "$0")"
data=$1 tokenizer=$2 root=$3 minutes=${4:-15}
for pooling in pma mean eos; do
  /usr/bin/python3 train.py --recipe recipes/pooling-ablation.toml --data "$data" --tokenizer "$tokenizer" --out "$root/pool-$pooling" \
    --pooling "$pooling" --minutes "$minutes"
done
