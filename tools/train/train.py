#!/usr/bin/python3
"""Trains C2LLM-nano contrastively: InfoNCE with in-batch negatives, both directions, on (query, code) pairs.

    tools/train/train.py --data DIR --out RUN_DIR [--hidden 256 --layers 4 ... --pooling pma|mean|eos]

DIR holds train.ids.jsonl and validation.ids.jsonl (tokenize.mjs encode: the query with the code-search
instruction, the code with "Retrieved Answer:", as the engine builds them), and with --package-groups
train.jsonl, whose pairs name their package. Runs under bfloat16 autocast on the CPU (Debian's PyTorch
has a generic fp32 BLAS; bf16 goes through oneDNN) or, with --device cuda, on the GPU machine
(tools/train/gpu/run.sh); master weights in float32. With --budget-minutes the run is bounded by the
clock rather than by steps: the learning-rate schedule follows the elapsed share of the budget.
Resumable: RUN_DIR/state.pt is written every --save-minutes (temporary file, then rename) and a re-run
with the same arguments continues from it; RUN_DIR/best.pt is the state at the best validation score. RUN_DIR/curve.jsonl is the learning curve: loss, tokens seen,
minutes, validation MRR@10 among all validation candidates.
"""
import argparse
import json
import math
import os
import random
import sys
import time
import tomllib

import numpy as np
import torch
import torch.nn.functional as F

from grow import grown, widened
from model import C2LLM

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import c2llm_reference as ref  # noqa: E402

TEMPERATURE = 0.05


def read_ids(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def config_from(args, vocab_size):
    return {
        "architectures": ["C2LLMForEmbedding"],
        "model_type": "qwen2",
        "vocab_size": vocab_size,
        "hidden_size": args.hidden,
        "intermediate_size": args.intermediate,
        "num_hidden_layers": args.layers,
        "num_attention_heads": args.heads,
        "num_key_value_heads": args.kv_heads,
        "head_dim": args.hidden // args.heads,
        "rope_theta": 1000000.0,
        "rms_norm_eps": 1e-6,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": True,
        "embedding_method": "pma",
        "pma_num_heads": args.pma_heads,
        "pma_ln": True,
        "pma_norm": False,
        "pma_norm_mode": "post_normal",
        "compressed_dim": args.compressed,
        "padding_side": "left",
        "torch_dtype": "bfloat16",
    }


PAD_MULTIPLE = 16


def pad(seqs, pad_id):
    """Right-padded to a multiple of PAD_MULTIPLE: few distinct shapes, so oneDNN's per-shape caches stay small."""
    lengths = torch.tensor([len(s) for s in seqs])
    width = -(-int(lengths.max()) // PAD_MULTIPLE) * PAD_MULTIPLE
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
    return ids, lengths


def encode_by_length(model, seqs, pad_id, group=64):
    """model() over seqs in groups of similar length (each padded to its own longest), in seqs' order:
    hard negatives come in all lengths, and one padded batch of them would cost several times their tokens."""
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    parts = []
    device = device_of(model)
    for start in range(0, len(order), group):
        ids, lengths = pad([seqs[i] for i in order[start : start + group]], pad_id)
        parts.append(model(ids.to(device), lengths.to(device)))
    out = torch.cat(parts)
    return out[torch.argsort(torch.tensor(order, device=device))]


def similar_batches(items, size, key, rng):
    """`items` (in their shuffled order) as shuffled batches of `size` whose `key` (a document length) is
    similar: each window of 32 batches' worth is sorted by it and cut, since a batch is padded to its
    longest document. Items left over after a window's last whole batch are not used."""
    window = size * 32
    batches = []
    for start in range(0, len(items) - size + 1, window):
        chunk = sorted(items[start : start + window], key=key)
        batches += [chunk[i : i + size] for i in range(0, len(chunk) - size + 1, size)]
    rng.shuffle(batches)
    return batches


def epoch_batches(n, batch, seed, lengths):
    """Shuffled batches of similar document length (less padding), in an order fixed by the seed."""
    rng = random.Random(seed)
    order = list(range(n))
    rng.shuffle(order)
    return similar_batches(order, batch, lambda i: lengths[i], rng)


def package_batches(packages, batch, group, seed, lengths=None):
    """Shuffled batches of `batch // group` groups of `group` pairs, each group from one package, so that
    every query meets `group - 1` negatives from its own library: code search ranks the chunks of one
    codebase, which share its words and topic, while random negatives mostly differ by topic alone. A
    package's pairs left over after its last whole group are not used in that epoch. With `lengths` (each
    pair's document length), a package's groups are cut from its pairs in order of length, from a random
    offset, and batches are made of groups of similar length (similar_batches): whole libraries in random
    order carry twice the padding."""
    rng = random.Random(seed)
    by_package = {}
    for i, name in enumerate(packages):
        by_package.setdefault(name, []).append(i)
    groups = []
    for name in sorted(by_package):
        ids = by_package[name]
        rng.shuffle(ids)
        start = 0
        if lengths:
            ids.sort(key=lambda i: lengths[i])
            start = rng.randrange(len(ids) % group + 1)
        groups += [ids[i : i + group] for i in range(start, len(ids) - group + 1, group)]
    rng.shuffle(groups)
    per = batch // group
    if not lengths:
        return [sum(groups[i : i + per], []) for i in range(0, len(groups) - per + 1, per)]
    return [sum(run, []) for run in similar_batches(groups, per, lambda g: max(lengths[i] for i in g), rng)]


def read_packages(path):
    with open(path) as f:
        return [json.loads(line)["package"] for line in f]


@torch.no_grad()
def embed(model, seqs, pad_id, batch=256):
    model.eval()
    device = device_of(model)
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = torch.empty(len(seqs), model_dim(model))
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        ids, lengths = pad([seqs[i] for i in idx], pad_id)
        with torch.autocast(device.type, dtype=torch.bfloat16):
            out[idx] = model(ids.to(device), lengths.to(device)).float().cpu()
    model.train()
    return out


def device_of(model):
    return next(model.parameters()).device


def model_dim(model):
    return model.cfg["compressed_dim"] if model.pooling == "pma" else model.cfg["hidden_size"]


def mrr_at_10(queries, docs):
    scores = queries @ docs.T
    gold = scores.diagonal()[:, None]
    rank = (scores > gold).sum(1)
    return float(torch.where(rank < 10, 1.0 / (rank + 1).float(), torch.zeros(())).mean())


def with_eos(pairs, eos_id):
    return [{"q": p["q"] + [eos_id], "d": p["d"] + [eos_id]} for p in pairs]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--tokenizer", required=True, help="folder with the pruned tokenizer.json (for the vocabulary size)")
    p.add_argument("--out", required=True)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--intermediate", type=int, default=768)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--compressed", type=int, default=256)
    p.add_argument("--pma-heads", type=int, default=32)
    p.add_argument("--pooling", choices=["pma", "mean", "eos"], default="pma")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--steps", type=int, help="the run's length in optimizer steps (required, here or in the recipe, unless --budget-minutes bounds it)")
    p.add_argument("--budget-minutes", type=float, default=0, help="bound the run by the clock: train for this many minutes, the learning rate's decay following the elapsed share of them (a machine whose speed is not known beforehand)")
    p.add_argument("--device", default="cpu", help="cpu, or cuda (the GPU machine: tools/train/gpu/run.sh)")
    p.add_argument("--minutes", type=float, default=0, help="a safety stop: save and stop after this many minutes of this run (a recipe is bounded by --steps)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--save-minutes", type=float, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--init-embeddings", help="a [vocab, hidden] .npy (cooccurrence.py) to start the token embeddings from")
    p.add_argument("--init-state", help="a state.pt to start the weights from (a second phase: new optimizer and schedule)")
    p.add_argument("--init-checkpoint", help="an exported checkpoint folder (config.json + model.safetensors) to start the weights from (a further phase); with fewer layers than --layers it is deepened first, and with a smaller vocabulary than --tokenizer's widened (grow.py)")
    p.add_argument("--recipe", help="a TOML file of these options (tools/train/recipes/): the run's recipe; flags given as well override it")
    p.add_argument("--package-groups", type=int, default=0, help="make batches of groups of this many pairs from one package (DATA/train.jsonl's `package`), not of random pairs")
    p.add_argument("--groups-by-length", action="store_true", help="with --package-groups: cut groups and make batches by document length (less padding)")
    p.add_argument("--negatives", help="a JSON list (mine_negatives.py): one hard-negative document per training pair, added to each batch")
    recipe_file = p.parse_known_args()[0].recipe
    if recipe_file:
        with open(recipe_file, "rb") as f:
            recipe = tomllib.load(f)
        known = {a.dest for a in p._actions}
        unknown = sorted(set(recipe) - known)
        if unknown:
            raise SystemExit(f"{recipe_file}: unknown option(s) {', '.join(unknown)} (known: {', '.join(sorted(known - {'help', 'recipe'}))})")
        p.set_defaults(**recipe)
    args = p.parse_args()
    if args.steps is None and not args.budget_minutes:
        p.error("--steps or --budget-minutes is required (a flag, or in the recipe)")
    steps = args.steps or math.inf
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    with open(os.path.join(args.tokenizer, "tokenizer.json")) as f:
        tok = json.load(f)
    eos_id = next(t["id"] for t in tok["added_tokens"] if t["content"] == "<|endoftext|>")
    cfg = config_from(args, eos_id + 1)
    train = read_ids(os.path.join(args.data, "train.ids.jsonl"))
    val = read_ids(os.path.join(args.data, "validation.ids.jsonl"))
    if args.pooling == "eos":
        train, val = with_eos(train, eos_id), with_eos(val, eos_id)
    doc_lengths = [len(x["d"]) for x in train]
    packages = read_packages(os.path.join(args.data, "train.jsonl")) if args.package_groups else None
    if packages is not None and len(packages) != len(train):
        raise SystemExit(f"{args.data}/train.jsonl: {len(packages)} pairs, train.ids.jsonl {len(train)}: tokenize it again")

    model = C2LLM(cfg, args.pooling)
    if args.init_embeddings:
        table = torch.from_numpy(np.load(args.init_embeddings))
        if tuple(table.shape) != (cfg["vocab_size"], cfg["hidden_size"]):
            raise SystemExit(f"{args.init_embeddings}: shape {tuple(table.shape)}, the model needs {(cfg['vocab_size'], cfg['hidden_size'])}")
        model.plm_model.model.embed_tokens.weight.data.copy_(table)
    if args.init_state:
        model.load_state_dict(torch.load(args.init_state, map_location="cpu")["model"])
    if args.init_checkpoint:
        stored = grown(ref.read_checkpoint(args.init_checkpoint), cfg["num_hidden_layers"])
        with open(os.path.join(args.init_checkpoint, "tokenizer.json")) as f:
            stored_tok = json.load(f)
        if stored_tok["model"]["vocab"] != tok["model"]["vocab"]:
            stored = widened(stored, stored_tok, tok)
        model.load_state_dict({name: torch.from_numpy(values.astype(np.float32)) for name, values in stored.items()})
    device = torch.device(args.device)
    model.to(device)
    negatives = json.load(open(args.negatives)) if args.negatives else None
    decay = [p_ for n, p_ in model.named_parameters() if p_.dim() >= 2]
    no_decay = [p_ for n, p_ in model.named_parameters() if p_.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.98))
    state_path = os.path.join(args.out, "state.pt")
    step, epoch, position, tokens, elapsed = 0, 0, 0, 0, 0.0
    if os.path.exists(state_path):
        state = torch.load(state_path, map_location=device)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step, epoch, position, tokens, elapsed = state["step"], state["epoch"], state["position"], state["tokens"], state["elapsed"]
        print(f"resumed at step {step} (epoch {epoch}, batch {position}, {elapsed / 60:.1f} min)", flush=True)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(dict(cfg, pooling=args.pooling), f, indent=1)
    with open(os.path.join(args.out, "args.json"), "w") as f:
        json.dump(vars(args), f, indent=1)

    def lr_at(s):
        if s < args.warmup:
            return args.lr * (s + 1) / args.warmup
        if args.budget_minutes:
            progress = min(1.0, elapsed / (args.budget_minutes * 60))
        else:
            progress = min(1.0, (s - args.warmup) / max(1, args.steps - args.warmup))
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))

    def save(path=state_path):
        tmp = path + ".tmp"
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step, "epoch": epoch,
                    "position": position, "tokens": tokens, "elapsed": elapsed, "config": cfg, "pooling": args.pooling}, tmp)
        os.replace(tmp, path)

    previous = [json.loads(line) for line in open(os.path.join(args.out, "curve.jsonl"))] if os.path.exists(os.path.join(args.out, "curve.jsonl")) else []
    best = max((r["val_mrr10"] for r in previous), default=-1.0)

    curve = open(os.path.join(args.out, "curve.jsonl"), "a")
    run_start = last_save = time.time()
    base_elapsed = elapsed
    losses = []

    def batches_of(epoch):
        seed = args.seed * 1000 + epoch
        if packages:
            return package_batches(packages, args.batch, args.package_groups, seed, doc_lengths if args.groups_by_length else None)
        return epoch_batches(len(train), args.batch, seed, doc_lengths)

    def out_of_time():
        return bool(args.budget_minutes) and elapsed >= args.budget_minutes * 60

    batches = batches_of(epoch)
    model.train()
    while step < steps and not out_of_time():
        if position >= len(batches):
            epoch, position = epoch + 1, 0
            batches = batches_of(epoch)
        batch = [train[i] for i in batches[position]]
        position += 1
        q_ids, q_len = (t.to(device) for t in pad([x["q"] for x in batch], eos_id))
        d_ids, d_len = (t.to(device) for t in pad([x["d"] for x in batch], eos_id))
        hard = [train[negatives[i]]["d"] for i in batches[position - 1]] if negatives else []
        for group in opt.param_groups:
            group["lr"] = lr_at(step)
        with torch.autocast(device.type, dtype=torch.bfloat16):
            q = model(q_ids, q_len)
            d = model(d_ids, d_len)
            if hard:
                d = torch.cat([d, encode_by_length(model, hard, eos_id)])
        logits = (q @ d.T) / TEMPERATURE  # [B, B] or, with hard negatives, [B, 2B]
        target = torch.arange(len(batch), device=device)
        loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits[:, : len(batch)].T, target)) / 2
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens += int(q_len.sum() + d_len.sum()) + sum(len(x) for x in hard)
        losses.append(float(loss))
        elapsed = base_elapsed + time.time() - run_start
        if step % args.eval_every == 0 or step == steps or out_of_time():
            mrr = mrr_at_10(embed(model, [x["q"] for x in val], eos_id), embed(model, [x["d"] for x in val], eos_id))
            row = {"step": step, "epoch": epoch, "tokens": tokens, "minutes": round(elapsed / 60, 2),
                   "loss": round(sum(losses) / len(losses), 4), "lr": lr_at(step), "val_mrr10": round(mrr, 4),
                   "tokens_per_s": round(tokens / max(elapsed, 1e-9))}
            curve.write(json.dumps(row) + "\n")
            curve.flush()
            print(json.dumps(row), flush=True)
            losses = []
            if mrr > best:
                best = mrr
                save(os.path.join(args.out, "best.pt"))
        if time.time() - last_save > args.save_minutes * 60:
            save()
            last_save = time.time()
        if args.minutes and time.time() - run_start > args.minutes * 60:
            break
    save()


if __name__ == "__main__":
    main()
