#!/usr/bin/python3
"""Averages the weights of exported checkpoints of one training lineage: a "model soup" of its phases.

    tools/train/average.py OUT_DIR CHECKPOINT_DIR...

Each CHECKPOINT_DIR is export.py's output; the last one's lineage (its training.json) must hold every
other one as an earlier phase: all were trained on from one another (train.py --init-checkpoint), so
their weights lie in one basin and their mean is a model (Wortsman et al. 2022, "Model soups"). The phases
learned from different data (phase 6 from queries without the words of their code), and the mean keeps
what each knows. Config and tokenizer must be the same in all. The weights are averaged in float32 from
the stored bf16 and stored as bf16; OUT_DIR gets what export.py writes, training.json being the last
checkpoint's record with `averaged_phases` added, and parity.json computed on the averaged weights.
"""
import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import c2llm_reference as ref  # noqa: E402
from export import finish  # noqa: E402

SAME_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def lineage_phases(training):
    return {1} | ({2} if "second_phase" in training else set()) | {p["phase"] for p in training.get("later_phases", [])}


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, checkpoints = sys.argv[1], sys.argv[2:]
    for name in SAME_FILES:
        differ = [c for c in checkpoints[1:] if read(os.path.join(c, name)) != read(os.path.join(checkpoints[0], name))]
        if differ:
            sys.exit(f"{differ[0]}/{name}: not the same as {checkpoints[0]}/{name}; only checkpoints of one lineage average")
    records = []
    for c in checkpoints:
        with open(os.path.join(c, "training.json")) as f:
            records.append(json.load(f))
    last = records[-1]
    phases = [r["exported_phase"] for r in records]
    outside = [c for c, p in zip(checkpoints, phases) if p not in lineage_phases(last)]
    if outside or len(set(phases)) != len(phases):
        sys.exit(f"{(outside or checkpoints)[0]}: not an earlier phase of {checkpoints[-1]}'s lineage (phases {phases})")
    stored = [ref.read_checkpoint(c) for c in checkpoints]
    names = sorted(stored[0])
    mismatched = [c for c, s in zip(checkpoints, stored) if sorted(s) != names or any(s[n].shape != stored[0][n].shape for n in names)]
    if mismatched:
        sys.exit(f"{mismatched[0]}: its tensors differ from {checkpoints[0]}'s")
    mean = {n: sum(s[n].astype(np.float32) for s in stored) / len(stored) for n in names}
    tmp = out.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    ref.write_safetensors(os.path.join(tmp, "model.safetensors"), mean, "BF16")
    for name in SAME_FILES:
        shutil.copy(os.path.join(checkpoints[-1], name), os.path.join(tmp, name))
    with open(os.path.join(checkpoints[-1], "learning-curve.jsonl")) as f:
        curve = [json.loads(line) for line in f]
    with open(os.path.join(tmp, "config.json")) as f:
        cfg = json.load(f)
    finish(tmp, out, cfg, dict(last, averaged_phases=phases), curve)


if __name__ == "__main__":
    main()
