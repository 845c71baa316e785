#!/usr/bin/python3
"""The pooling ablation's result on held-out data: MRR@10 of each run (tools/train/ablate_pooling.sh)
on the test split, in PyTorch (mean and EOS pooling are not C2LLM checkpoints the engine runs).

    tools/train/evaluate_pooling.py DATA_DIR RUN_ROOT [OUT.json]

Prints, per pooling: training minutes and tokens, the last validation MRR@10 of its learning curve, and
test MRR@10 overall and per language (all test pairs as candidates).
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import C2LLM  # noqa: E402
from train import embed, mrr_at_10, with_eos  # noqa: E402


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    data, root = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    ids = [json.loads(line) for line in open(os.path.join(data, "test.ids.jsonl"))]
    langs = [json.loads(line)["lang"] for line in open(os.path.join(data, "test.jsonl"))]
    results = {}
    for pooling in ("pma", "mean", "eos"):
        run = os.path.join(root, f"pool-{pooling}")
        state = torch.load(os.path.join(run, "state.pt"))
        cfg = state["config"]
        model = C2LLM(cfg, pooling)
        model.load_state_dict(state["model"])
        eos_id = cfg["vocab_size"] - 1
        pairs = with_eos(ids, eos_id) if pooling == "eos" else ids
        q = embed(model, [p["q"] for p in pairs], eos_id)
        d = embed(model, [p["d"] for p in pairs], eos_id)
        scores = q @ d.T
        gold = scores.diagonal()[:, None]
        rank = (scores > gold).sum(1)
        rr = torch.where(rank < 10, 1.0 / (rank + 1).float(), torch.zeros(()))
        per_lang = {lang: round(float(rr[[i for i, l in enumerate(langs) if l == lang]].mean()), 4) for lang in sorted(set(langs))}
        curve = [json.loads(line) for line in open(os.path.join(run, "curve.jsonl"))]
        results[pooling] = {
            "minutes": round(state["elapsed"] / 60, 1), "tokens": state["tokens"], "steps": state["step"],
            "validation_mrr10": curve[-1]["val_mrr10"], "test_mrr10": round(mrr_at_10(q, d), 4), "test_mrr10_by_language": per_lang,
            "curve": [{k: row[k] for k in ("step", "tokens", "minutes", "val_mrr10")} for row in curve],
        }
        print(pooling, json.dumps({k: v for k, v in results[pooling].items() if k != "curve"}), flush=True)
    results["setup"] = ("tools/train/ablate_pooling.sh: hidden 128, 2 layers, intermediate 384, 2/1 heads, compressed 128, PMA 16 heads; "
                        "batch 128, lr 2e-3, 15 minutes each on one thread, same data and order; test: tools/train/evaluate_pooling.py "
                        "(all test pairs as candidates)")
    if len(sys.argv) == 4:
        with open(sys.argv[3], "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
