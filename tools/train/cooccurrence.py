#!/usr/bin/python3
"""Token-embedding initialisation from cheap co-occurrence statistics (PPMI + truncated SVD).

    tools/train/cooccurrence.py DATA_DIR TOKENIZER_DIR DIM OUT.npy

Counts, over the training pairs of DATA_DIR/train.ids.jsonl, how often token v appears in a query while
token w appears in its code (which links a query's " parse" to the code's `parse` and `Date`), plus
code tokens within WINDOW positions of each other; the prompt tokens that every query or document
starts with are left out. The positive PMI matrix (context counts smoothed by ^0.75) is factorised by
a randomised SVD and the rows U*sqrt(S) are scaled to the training init's standard deviation. Tokens
never seen keep small random rows. Writes a [vocab, DIM] float32 array.
"""
import json
import os
import sys

import numpy as np
import torch

WINDOW = 4
INIT_STD = 0.02


def common_prefix_length(seqs):
    first = seqs[0]
    n = len(first)
    for s in seqs[1:1000]:
        n = min(n, next((i for i, (a, b) in enumerate(zip(first, s)) if a != b), min(len(first), len(s))))
    return n


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    data, tokenizer_dir, dim, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with open(os.path.join(tokenizer_dir, "tokenizer.json")) as f:
        tok = json.load(f)
    vocab = max(t["id"] for t in tok["added_tokens"]) + 1
    with open(os.path.join(data, "train.ids.jsonl")) as f:
        pairs = [json.loads(line) for line in f]
    q_skip = common_prefix_length([p["q"] for p in pairs])
    d_skip = common_prefix_length([p["d"] for p in pairs])
    chunks = []
    for p in pairs:
        q = np.unique(np.array(p["q"][q_skip:], dtype=np.int64))
        d_seq = np.array(p["d"][d_skip:], dtype=np.int64)
        d = np.unique(d_seq)
        chunks.append((q[:, None] * vocab + d[None, :]).ravel())
        for shift in range(1, WINDOW + 1):
            chunks.append(d_seq[:-shift] * vocab + d_seq[shift:])
    counts = np.bincount(np.concatenate(chunks), minlength=vocab * vocab).reshape(vocab, vocab).astype(np.float32)
    counts = counts + counts.T
    total = counts.sum()
    row = counts.sum(1, keepdims=True)
    col = counts.sum(0, keepdims=True) ** 0.75
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts * col.sum() / (row * col))
    ppmi = np.nan_to_num(np.maximum(pmi, 0), posinf=0.0, neginf=0.0).astype(np.float32)
    torch.manual_seed(0)
    u, s, _ = torch.svd_lowrank(torch.from_numpy(ppmi), q=dim, niter=4)
    vectors = (u * s.sqrt()).numpy()
    seen = row[:, 0] > 0
    vectors[seen] *= INIT_STD / vectors[seen].std()
    vectors[~seen] = np.random.default_rng(0).normal(0, INIT_STD, size=(int((~seen).sum()), dim))
    np.save(out, vectors.astype(np.float32))
    print(f"{out}: {vocab} x {dim}, {int(seen.sum())} tokens seen, {total:.3g} co-occurrences, prompts skipped: {q_skip} query / {d_skip} document tokens")


if __name__ == "__main__":
    main()
