#!/usr/bin/env python3
"""PyTorch's half of the GPU machine's run (bench/gpu-machine/run.sh): the same architecture
(tools/train/model.py) on the same random weights engine.js wrote, on the same GPU, for the same four
shapes of work, as fp32 eager (TF32 off), bf16 eager and bf16 under torch.compile; and the engine's probe
embeddings checked against PyTorch's fp32 ones by cosine.

    torch_bench.py --checkpoint DIR --engine ENGINE.json [--engine ...] --out OUT.json [--runs 5] [--device cuda]
                   [--workloads 1x20,1x512,8x512,32x256] [--variants fp32,bf16,bf16-compile]

Times are medians of --runs timed passes after two warm-up passes, the device synchronised around each.
"""
import argparse
import json
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "train"))
from model import C2LLM  # noqa: E402

WORKLOADS = {"1x20": (1, 20), "1x512": (1, 512), "8x512": (8, 512), "32x256": (32, 256)}
# Each variant's name in the report, its dtype, and whether torch.compile runs it; fp32 first, since each
# variant converts the model in place.
VARIANTS = {"fp32": ("fp32 eager (TF32 off)", torch.float32, False), "bf16": ("bf16 eager", torch.bfloat16, False),
            "bf16-compile": ("bf16 torch.compile", torch.bfloat16, True)}


def read_tensors(path, names):
    """The tensors `names` of one safetensors file as float32, read through a memory map (C2LLM-7B's 15 GB
    would not fit the float64 reference reader's copies); an I8 matrix times its "<name>_scale" rows, as
    the int8 layout stores it (src/model/int8-checkpoint.ts)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)

    def raw(name):
        a, b = header[name]["data_offsets"]
        return data[a:b]

    out = {}
    for name, info in header.items():
        if name not in names:
            continue
        if info["dtype"] == "BF16":
            tensor = torch.from_numpy(raw(name).view(np.int16).copy()).view(torch.bfloat16).float()
        elif info["dtype"] in ("F32", "F16"):
            tensor = torch.from_numpy(raw(name).view(np.float32 if info["dtype"] == "F32" else np.float16).astype(np.float32))
        elif info["dtype"] == "I8":
            rows = info["shape"][0]
            q = torch.from_numpy(raw(name).view(np.int8).astype(np.float32)).reshape(rows, -1)
            tensor = q * torch.from_numpy(raw(name + "_scale").view(np.float32).copy())[:, None]
        else:
            raise ValueError(f"{path}: {name} is {info['dtype']}; torch_bench.py reads BF16, F16, F32 and the int8 layout's I8")
        out[name] = tensor.reshape(info["shape"])
    return out


def load_model(checkpoint):
    """The checkpoint as tools/train/model.py's C2LLM in float32; tensors it does not use (an untied model's
    lm_head) are not read."""
    with open(os.path.join(checkpoint, "config.json")) as f:
        cfg = json.load(f)
    model = C2LLM(cfg)
    names = set(model.state_dict())
    index = os.path.join(checkpoint, "model.safetensors.index.json")
    files = sorted(set(json.load(open(index))["weight_map"].values())) if os.path.exists(index) else ["model.safetensors"]
    weights = {}
    for file in files:
        weights.update(read_tensors(os.path.join(checkpoint, file), names))
    model.load_state_dict(weights)
    return model.eval(), cfg


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


@torch.no_grad()
def time_passes(model, device, batch, length, runs, vocab):
    generator = torch.Generator().manual_seed(batch * 1000 + length)
    ids = torch.randint(0, vocab, (batch, length), generator=generator).to(device)
    lengths = torch.full((batch,), length, device=device)
    for _ in range(2):
        model(ids, lengths)
    times = []
    for _ in range(runs):
        synchronize(device)
        start = time.perf_counter()
        model(ids, lengths)
        synchronize(device)
        times.append((time.perf_counter() - start) * 1000)
    ms = statistics.median(times)
    return {"msPerPass": ms, "tokensPerSecond": batch * length / (ms / 1000), "runsMs": times}


@torch.no_grad()
def embed_probe(model, device, ids):
    tensor = torch.tensor([ids], device=device)
    return model(tensor, torch.tensor([len(ids)], device=device))[0].float().cpu().numpy()


def cosine(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--engine", action="append", default=[], help="engine.js's report: its probes are checked")
    p.add_argument("--out", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--device", default="cuda")
    p.add_argument("--workloads", default=",".join(WORKLOADS))
    p.add_argument("--variants", default=",".join(VARIANTS))
    args = p.parse_args()
    device = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    model, cfg = load_model(args.checkpoint)
    model = model.to(device)
    engines = [json.load(open(path)) for path in args.engine]
    report = {"torch": torch.__version__, "device": torch.cuda.get_device_name() if device.type == "cuda" else "cpu",
              "layers": cfg["num_hidden_layers"], "runs": args.runs, "variants": {}, "agreement": []}
    for key in args.variants.split(","):
        name, dtype, compiled = VARIANTS[key]
        variant = model.to(dtype)
        if compiled:
            if not hasattr(torch, "compile"):
                report["variants"][name] = {"note": f"torch {torch.__version__} has no torch.compile"}
                continue
            variant = torch.compile(variant)
        results = {}
        for workload in args.workloads.split(","):
            batch, length = WORKLOADS[workload]
            results[workload] = time_passes(variant, device, batch, length, args.runs, cfg["vocab_size"])
            print(f"{name} {workload}: {results[workload]['msPerPass']:.3f} ms, {results[workload]['tokensPerSecond']:.0f} tokens/s", file=sys.stderr, flush=True)
        report["variants"][name] = results
        for engine in engines:
            for probe in engine["probes"]:
                key = len(probe["ids"])
                torch_vector = embed_probe(variant, device, probe["ids"])
                report["agreement"].append({"engine": f"{engine['description']} ({engine['dtype']})", "torch": name, "tokens": key,
                                            "cosine": cosine(probe["embedding"], torch_vector)})
    if device.type == "cuda":
        report["peakMemoryMiB"] = torch.cuda.max_memory_allocated() / 2**20
    with open(args.out + ".tmp", "w") as f:
        json.dump(report, f, indent=1)
    os.replace(args.out + ".tmp", args.out)
    for row in report["agreement"]:
        print(f"agreement {row['engine']} vs {row['torch']}, {row['tokens']} tokens: cosine {row['cosine']:.7f}", file=sys.stderr)


if __name__ == "__main__":
    main()
