#!/usr/bin/python3
"""Hard negatives for a further training phase, mined with a trained model (ANCE-style).

    tools/train/mine_negatives.py DATA_DIR MODEL OUT.json [--skip 2] [--same-package]

MODEL is a training state (STATE.pt) or an exported checkpoint folder (config.json + model.safetensors).
Embeds every training query and document with it, and for each query picks a document that ranks high
but is not its own: the best-ranked one after the top `--skip` (those are the likeliest false negatives:
an overload, a copy under another name), and never one whose function has the same name as the query's.
With --same-package, only documents of the query's own package (DATA_DIR/train.jsonl's `package`) are
candidates: code search ranks the chunks of one codebase, so the negative that teaches most is the
library's own nearest function. Writes a JSON list: the negative document's index for each pair.
"""
import argparse
import json
import os
import sys
from collections import defaultdict

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import c2llm_reference as ref  # noqa: E402
from model import C2LLM  # noqa: E402
from train import embed  # noqa: E402


def load_model(path):
    """The model in a training state (.pt) or an exported checkpoint folder."""
    if os.path.isdir(path):
        with open(os.path.join(path, "config.json")) as f:
            config = json.load(f)
        model = C2LLM(config, config["embedding_method"])
        stored = ref.read_checkpoint(path)
        model.load_state_dict({name: torch.from_numpy(values.astype(np.float32)) for name, values in stored.items()})
        return model, config
    state = torch.load(path)
    model = C2LLM(state["config"], state["pooling"])
    model.load_state_dict(state["model"])
    return model, state["config"]


def pick(i, candidates, names, skip, fallback):
    """The best-ranked of `candidates` (ordered) after the top `skip`, never `i` nor one of its name."""
    ranked = [c for c in candidates if c != i and names[c] != names[i]]
    # Every close candidate shares the name (toString, equals, …): any other document will do.
    return ranked[min(skip, len(ranked) - 1)] if ranked else fallback


def mine_global(q, d, names, skip):
    negatives = []
    for start in range(0, len(q), 2048):
        top = (q[start : start + 2048] @ d.T).topk(skip + 8, dim=1).indices
        for row, candidates in enumerate(top.tolist()):
            i = start + row
            negatives.append(pick(i, candidates, names, skip, (i + len(q) // 2) % len(q)))
    return negatives


def mine_same_package(q, d, names, packages, skip):
    members = defaultdict(list)
    for i, package in enumerate(packages):
        members[package].append(i)
    negatives = [0] * len(q)
    for ids in members.values():
        index = torch.tensor(ids)
        top = (q[index] @ d[index].T).topk(min(len(ids), skip + 8), dim=1).indices
        for row, candidates in enumerate(top.tolist()):
            i = ids[row]
            negatives[i] = pick(i, [ids[c] for c in candidates], names, skip, (i + len(q) // 2) % len(q))
    return negatives


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data")
    p.add_argument("model", help="a training state (.pt) or an exported checkpoint folder")
    p.add_argument("out")
    p.add_argument("--skip", type=int, default=2)
    p.add_argument("--same-package", action="store_true", help="negatives from the query's own package only")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    pairs = [json.loads(line) for line in open(os.path.join(args.data, "train.ids.jsonl"))]
    records = [json.loads(line) for line in open(os.path.join(args.data, "train.jsonl"))]
    names = [r["name"] for r in records]
    model, config = load_model(args.model)
    eos = config["vocab_size"] - 1
    q = embed(model, [x["q"] for x in pairs], eos)
    d = embed(model, [x["d"] for x in pairs], eos)
    if args.same_package:
        negatives = mine_same_package(q, d, names, [r["package"] for r in records], args.skip)
    else:
        negatives = mine_global(q, d, names, args.skip)
    with open(args.out, "w") as f:
        json.dump(negatives, f)
    print(f"{args.out}: {len(negatives)} hard negatives (skipping the top {args.skip}{', within each package' if args.same_package else ''})")


if __name__ == "__main__":
    main()
