#!/usr/bin/python3
"""Exports a trained C2LLM-nano run to the C2LLM checkpoint layout, with PyTorch's embeddings for parity.

    tools/train/export.py RUN_DIR TOKENIZER_DIR OUT_DIR [STATE.pt]

STATE.pt (default RUN_DIR/state.pt) picks the training state to export, e.g. the snapshot with the best
validation score. OUT_DIR/training.json records the run (from RUN_DIR/args.json and its learning curve)
and the exported step, and OUT_DIR/learning-curve.jsonl its curve; where RUN_DIR is a second phase
(train.py --init-state), both record the first run too, the second phase's steps counted on from the
state it started from.

Writes OUT_DIR/{config.json, model.safetensors (bf16), tokenizer.json, tokenizer_config.json,
parity.json} into a temporary folder beside OUT_DIR and renames it into place when complete.
parity.json holds texts, their token ids (the reference's own byte-level BPE, tools/c2llm_reference.py)
and the embeddings PyTorch computes for them with the training model (tools/train/model.py) on the
exported bf16 weights in float32: the engine must reproduce them (test/nano-model.test.ts).
"""
import json
import os
import shutil
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import c2llm_reference as ref  # noqa: E402
from model import C2LLM  # noqa: E402

PARITY_TEXTS = [
    "Retrieve the code that solves the following query:\ncache that forgets the least recently used entry",
    "Retrieve the code that solves the following query:\nparse a date string",
    "Retrieved Answer:def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
    "Retrieved Answer:func Reverse(s string) string {\n\tr := []rune(s)\n\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {\n\t\tr[i], r[j] = r[j], r[i]\n\t}\n\treturn string(r)\n}\n",
    "export function debounce(fn, ms) {\n  let timer;\n  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };\n}\n",
    "naïve café — 日本語のコード 🚀 Ünïcödé ∑ x² ≤ ∞",
    "x",
    "",
]


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    run, tokenizer_dir, out = sys.argv[1:4]
    state = torch.load(sys.argv[4] if len(sys.argv) == 5 else os.path.join(run, "state.pt"))
    if state["pooling"] != "pma":
        sys.exit(f"{run}: pooling is {state['pooling']}; only PMA models are C2LLM checkpoints")
    cfg = state["config"]
    tmp = out.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    tensors = {name: value.float().numpy() for name, value in state["model"].items()}
    ref.write_safetensors(os.path.join(tmp, "model.safetensors"), tensors, "BF16")
    with open(os.path.join(tmp, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(tokenizer_dir, name), os.path.join(tmp, name))

    training, curve = describe_runs(run, state)
    training["parameters"] = sum(v.size for v in tensors.values())
    finish(tmp, out, cfg, training, curve)


def finish(tmp, out, cfg, training, curve):
    """Completes the checkpoint folder `tmp` (config, weights and tokenizer written): parity.json from the
    training model on its bf16 weights, training.json, learning-curve.jsonl and the model card already beside
    `out`; then renames it into place as `out`."""
    model = C2LLM(cfg).eval()
    stored = ref.read_checkpoint(tmp)
    model.load_state_dict({name: torch.from_numpy(values.astype(np.float32)) for name, values in stored.items()})
    with open(os.path.join(tmp, "tokenizer.json")) as f:
        tokenizer = ref.ByteLevelBPE(json.load(f))
    parity = []
    with torch.no_grad():
        for text in PARITY_TEXTS:
            ids = tokenizer.encode(text)
            if ids:
                vector = model(torch.tensor([ids]), torch.tensor([len(ids)]))[0]
            else:
                vector = zero_token_embedding(model)
            parity.append({"text": text, "ids": ids, "embedding": [round(float(v), 8) for v in vector]})
    with open(os.path.join(tmp, "training.json"), "w") as f:
        json.dump(training, f, indent=1)
    with open(os.path.join(tmp, "learning-curve.jsonl"), "w") as f:
        f.writelines(json.dumps(row) + "\n" for row in curve)
    with open(os.path.join(tmp, "parity.json"), "w") as f:
        json.dump({"source": "tools/train/model.py, float32, on the exported bf16 weights", "cases": parity}, f)
    if os.path.exists(os.path.join(out, "README.md")):  # the model card is written beside the weights (model_card.py)
        shutil.copy(os.path.join(out, "README.md"), os.path.join(tmp, "README.md"))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    size = os.path.getsize(os.path.join(out, "model.safetensors"))
    print(f"{out}: {training['parameters']:,} parameters, model.safetensors {size / 2**20:.1f} MiB (bf16)")


def read_run(run):
    with open(os.path.join(run, "args.json")) as f:
        args = json.load(f)
    with open(os.path.join(run, "curve.jsonl")) as f:
        curve = [json.loads(line) for line in f]
    return args, curve


def describe_runs(run, state):
    """training.json's record and the learning curve: of `run`, or, when `run` is a second phase started
    from another run's state (--init-state), of that first run with this one as its `second_phase`."""
    args, curve = read_run(run)
    if args.get("init_checkpoint"):
        return describe_later_phase(args, curve, state)
    if not args.get("init_state"):
        last = curve[-1]
        record = {"batch": args["batch"], "lr": args["lr"], "threads": args["threads"], "steps": last["step"], "planned_steps": args["steps"],
                  "tokens": last["tokens"], "minutes": last["minutes"], "exported_step": state["step"]}
        return record, [dict(row, phase=1) for row in curve]
    init_state = os.path.join(HERE, args["init_state"])  # train.py's paths are relative to tools/train, where run.sh starts it
    first_args, first_curve = read_run(os.path.dirname(init_state))
    from_step = torch.load(init_state)["step"]
    first_last = first_curve[-1]
    last = curve[-1]
    record = {"batch": first_args["batch"], "lr": first_args["lr"], "threads": first_args["threads"], "steps": first_last["step"],
              "planned_steps": first_args["steps"], "tokens": first_last["tokens"], "minutes": first_last["minutes"],
              "second_phase": {"from_step": from_step, "lr": args["lr"], "steps": last["step"], "planned_steps": args["steps"],
                               "tokens": last["tokens"], "minutes": last["minutes"], "negatives": os.path.basename(args["negatives"] or "")},
              "exported_step": from_step + state["step"], "exported_phase": 2}
    shifted = [dict(row, phase=2, step=from_step + row["step"], tokens=first_curve[-1]["tokens"] + row["tokens"],
                    minutes=first_last["minutes"] + row["minutes"]) for row in curve]
    return record, [dict(row, phase=1) for row in first_curve] + shifted


def describe_later_phase(args, curve, state):
    """A run started from an exported checkpoint (--init-checkpoint): that checkpoint's record and curve,
    with this run as its next phase: steps counted on from the exported step it started from, tokens and
    minutes from the end of all training before it."""
    base = os.path.join(HERE, args["init_checkpoint"])  # train.py's paths are relative to tools/train
    with open(os.path.join(base, "training.json")) as f:
        prior = json.load(f)
    with open(os.path.join(base, "learning-curve.jsonl")) as f:
        prior_curve = [json.loads(line) for line in f]
    end = prior_curve[-1]
    phase = max(row.get("phase", 1) for row in prior_curve) + 1
    last = curve[-1]
    start = prior["exported_step"]
    later = {"phase": phase, "from_step": start, "lr": args["lr"], "steps": last["step"], "planned_steps": args["steps"],
             "tokens": last["tokens"], "minutes": last["minutes"], "data": os.path.basename(os.path.normpath(args["data"])),
             "recipe": os.path.basename(args.get("recipe") or ""), "train_pairs": count_lines(os.path.join(HERE, args["data"], "train.ids.jsonl")),
             "validation_pairs": count_lines(os.path.join(HERE, args["data"], "validation.ids.jsonl"))}
    record = dict(prior, later_phases=[*prior.get("later_phases", []), later], exported_step=start + state["step"], exported_phase=phase)
    shifted = [dict(row, phase=phase, step=start + row["step"], tokens=end["tokens"] + row["tokens"], minutes=end["minutes"] + row["minutes"]) for row in curve]
    return record, prior_curve + shifted


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def zero_token_embedding(model):
    """The spec's empty text: every key masked, so the PMA output is LayerNorm(S) before fc_o."""
    pma = model.mha_pma
    seed = pma.S[0]
    o = pma.mab.ln0(seed)
    o = o + torch.relu(pma.mab.fc_o(o))
    return torch.nn.functional.normalize(pma.mab.ln1(o), dim=-1)[0]


if __name__ == "__main__":
    main()
