#!/usr/bin/python3
"""Derives C2LLM-nano's vocabulary from Qwen2.5's byte-level BPE by pruning it to the corpus.

    tools/train/prune_tokenizer.py QWEN_TOKENIZER_DIR COUNTS.json SIZE OUT_DIR [--keep TOKENIZER_DIR]

Keeps the 256 byte tokens, the SIZE most frequent tokens of COUNTS.json (from tokenize.mjs count on the
training split) and every token needed to build those by merges; keeps a merge only when its two inputs
and its output are kept; renumbers in Qwen's order and appends <|endoftext|>. With --keep, every token of
an earlier pruned tokenizer is kept first and the most frequent others fill the vocabulary up to SIZE: a
wider vocabulary for a trained model (train.py --init-checkpoint carries its rows over by token, grow.py).
The result is a standard tokenizer.json (same normalizer, pre-tokenizer and decoder): any text still
tokenizes, down to bytes.
"""
import argparse
import json
import os

END_OF_TEXT = "<|endoftext|>"


def byte_level_alphabet():
    """GPT-2's printable stand-ins for the 256 bytes, as ByteLevel uses them."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    extra = [b for b in range(256) if b not in printable]
    return [chr(c) for c in printable] + [chr(256 + i) for i in range(len(extra))]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("source", help="Qwen2.5's tokenizer folder")
    p.add_argument("counts", help="token frequencies of the training split (tokenize.mjs count)")
    p.add_argument("size", type=int, help="tokens to keep, the 256 byte tokens and --keep's among them")
    p.add_argument("out")
    p.add_argument("--keep", help="a pruned tokenizer folder whose tokens are all kept")
    args = p.parse_args()
    source, counts_file, size, out = args.source, args.counts, args.size, args.out
    with open(os.path.join(source, "tokenizer.json")) as f:
        tok = json.load(f)
    with open(counts_file) as f:
        counts = {int(k): v for k, v in json.load(f).items()}
    vocab = tok["model"]["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in tok["model"]["merges"]]
    token_of = {i: t for t, i in vocab.items()}
    parents = {}
    for a, b in merges:
        parents.setdefault(a + b, (a, b))

    keep = set(byte_level_alphabet())
    missing = keep - vocab.keys()
    if missing:
        raise SystemExit(f"{source}/tokenizer.json: byte tokens missing from the vocabulary: {sorted(missing)[:5]}")

    def add(token):
        stack = [token]
        while stack:
            t = stack.pop()
            if t in keep:
                continue
            keep.add(t)
            stack.extend(parents.get(t, ()))

    if args.keep:
        with open(os.path.join(args.keep, "tokenizer.json")) as f:
            earlier = json.load(f)["model"]["vocab"]
        foreign = sorted(earlier.keys() - vocab.keys())
        if foreign:
            raise SystemExit(f"{args.keep}/tokenizer.json: tokens not in {source}'s vocabulary: {foreign[:5]}")
        for token in earlier:
            add(token)

    for token_id, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(keep) >= size:
            break
        if token_id in token_of:
            add(token_of[token_id])

    kept_tokens = sorted(keep, key=lambda t: vocab[t])
    new_vocab = {t: i for i, t in enumerate(kept_tokens)}
    kept_merges = [[a, b] for a, b in merges if a in keep and b in keep and a + b in keep]
    eos_id = len(new_vocab)

    tok["model"]["vocab"] = new_vocab
    tok["model"]["merges"] = kept_merges
    eos = next(t for t in tok["added_tokens"] if t["content"] == END_OF_TEXT)
    tok["added_tokens"] = [dict(eos, id=eos_id)]
    tok["post_processor"] = None
    tok["truncation"] = tok["padding"] = None
    config = {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": {str(eos_id): {k: v for k, v in eos.items() if k not in ("id",)}},
        "bos_token": None,
        "eos_token": END_OF_TEXT,
        "pad_token": END_OF_TEXT,
        "model_max_length": 2048,
        "clean_up_tokenization_spaces": False,
        "tokenizer_class": "Qwen2Tokenizer",
        "errors": "replace",
    }
    os.makedirs(out, exist_ok=True)
    for name, value in (("tokenizer.json", tok), ("tokenizer_config.json", config)):
        with open(os.path.join(out, name + ".tmp"), "w") as f:
            json.dump(value, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        os.replace(os.path.join(out, name + ".tmp"), os.path.join(out, name))
    covered = sum(v for k, v in counts.items() if k in token_of and token_of[k] in keep) / max(1, sum(counts.values()))
    print(f"{out}: {len(new_vocab)} tokens + {END_OF_TEXT} = {eos_id + 1}, {len(kept_merges)} merges; "
          f"{covered:.1%} of the corpus's Qwen tokens kept as they are")


if __name__ == "__main__":
    main()
