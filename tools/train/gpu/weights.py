#!/usr/bin/python3
"""Brings a training state back from the GPU machine, whose files come back at most 16 MiB each.

    tools/train/gpu/weights.py split STATE.pt OUT_DIR    # there: the weights as bf16 shards
    tools/train/gpu/weights.py join SHARD_DIR RUN_DIR    # here: RUN_DIR/state.pt for export.py

`split` writes OUT_DIR/weights-K.npz, each under SHARD_BYTES, with every tensor as its bfloat16 bits
(uint16: numpy has no bfloat16, and the two machines' PyTorch versions differ), and OUT_DIR/state.json
(the step, epoch, tokens, minutes, config and pooling). `join` reads them back into a state.pt that
export.py takes (the weights in float32, without the optimizer: a further phase starts a new one), beside
the run's args.json and curve.jsonl, which export.py reads too.
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch

SHARD_BYTES = 15 * 2**20
META = ("step", "epoch", "position", "tokens", "elapsed", "config", "pooling")
RUN_FILES = ("args.json", "curve.jsonl")


def split(state_path, out):
    state = torch.load(state_path, map_location="cpu")
    os.makedirs(out, exist_ok=True)
    shards, current, size = [], {}, 0
    for name, value in state["model"].items():
        bits = value.detach().to(torch.bfloat16).contiguous().view(torch.int16).numpy().view(np.uint16)
        if current and size + bits.nbytes > SHARD_BYTES:
            shards.append(current)
            current, size = {}, 0
        if bits.nbytes > SHARD_BYTES:
            sys.exit(f"{state_path}: tensor {name} is {bits.nbytes} bytes, over one shard's {SHARD_BYTES}")
        current[name] = bits
        size += bits.nbytes
    shards.append(current)
    for k, shard in enumerate(shards):
        np.savez(os.path.join(out, f"weights-{k}.npz"), **shard)
    with open(os.path.join(out, "state.json"), "w") as f:
        json.dump({key: state[key] for key in META} | {"shards": len(shards)}, f, indent=1)
    print(f"{out}: {len(shards)} shards, {sum(v.nbytes for s in shards for v in s.values()) / 2**20:.1f} MiB")


def join(shards_dir, run):
    with open(os.path.join(shards_dir, "state.json")) as f:
        meta = json.load(f)
    model = {}
    for k in range(meta.pop("shards")):
        path = os.path.join(shards_dir, f"weights-{k}.npz")
        if not os.path.exists(path):
            sys.exit(f"{path}: missing; the state came back in {k} of its shards")
        with np.load(path) as shard:
            for name in shard.files:
                model[name] = torch.from_numpy(shard[name].view(np.int16).copy()).view(torch.bfloat16).float()
    os.makedirs(run, exist_ok=True)
    for name in RUN_FILES:
        shutil.copyfile(os.path.join(shards_dir, name), os.path.join(run, name))
    tmp = os.path.join(run, "state.pt.tmp")
    torch.save(dict(meta, model=model), tmp)
    os.replace(tmp, os.path.join(run, "state.pt"))
    print(f"{run}/state.pt: {len(model)} tensors, step {meta['step']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for command, first, second in (("split", "state", "out"), ("join", "shards", "run")):
        p = sub.add_parser(command)
        p.add_argument(first)
        p.add_argument(second)
    args = parser.parse_args()
    if args.command == "split":
        split(args.state, args.out)
    else:
        join(args.shards, args.run)


if __name__ == "__main__":
    main()
