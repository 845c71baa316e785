#!/usr/bin/python3
"""Hard negatives for a second training phase, mined with a trained model (ANCE-style).

    tools/train/mine_negatives.py DATA_DIR STATE.pt OUT.json [--skip 2]

Embeds every training query and document with the model in STATE.pt, and for each query picks a
document that ranks high but is not its own: the best-ranked one after the top `--skip` (those are the
likeliest false negatives: an overload, a copy under another name), and never one whose function has
the same name as the query's. Writes a JSON list: the negative document's index for each pair.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import C2LLM  # noqa: E402
from train import embed  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data")
    p.add_argument("state")
    p.add_argument("out")
    p.add_argument("--skip", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    pairs = [json.loads(line) for line in open(os.path.join(args.data, "train.ids.jsonl"))]
    names = [json.loads(line)["name"] for line in open(os.path.join(args.data, "train.jsonl"))]
    state = torch.load(args.state)
    model = C2LLM(state["config"], state["pooling"])
    model.load_state_dict(state["model"])
    eos = state["config"]["vocab_size"] - 1
    q = embed(model, [x["q"] for x in pairs], eos)
    d = embed(model, [x["d"] for x in pairs], eos)
    negatives = []
    for start in range(0, len(pairs), 2048):
        scores = q[start : start + 2048] @ d.T
        top = scores.topk(args.skip + 8, dim=1).indices
        for row, candidates in enumerate(top.tolist()):
            i = start + row
            ranked = [c for c in candidates if c != i and names[c] != names[i]]
            # Every close candidate shares the name (toString, equals, …): any other document will do.
            negatives.append(ranked[min(args.skip, len(ranked) - 1)] if ranked else (i + len(pairs) // 2) % len(pairs))
    with open(args.out, "w") as f:
        json.dump(negatives, f)
    print(f"{args.out}: {len(negatives)} hard negatives (skipping the top {args.skip})")


if __name__ == "__main__":
    main()
