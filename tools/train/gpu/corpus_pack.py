#!/usr/bin/python3
"""Packs a tokenized training corpus into one compressed file for the GPU machine, and unpacks it there.

    tools/train/gpu/corpus_pack.py pack DATA OUT.xz [--doc-tokens N] [--share S]
    tools/train/gpu/corpus_pack.py unpack IN.xz DATA

DATA is what train.py reads: train.ids.jsonl and validation.ids.jsonl (tokenize.mjs encode) and
train.jsonl, whose pairs name their package (for --package-groups). Everything sent to the GPU machine,
the project's tracked files included, is limited to 64 MiB, so the file holds only what training needs:
each pair's token ids as uint16 (the tokenizer has 8,193 ids), documents cut to --doc-tokens, an even
--share of the training pairs (by a hash of their position: the same pairs each time), and each training
pair's package as an index into one list of names; xz at its strongest preset. Unpacking writes the same
three files back (train.jsonl with only the package), so train.py runs on them unchanged.
"""
import argparse
import hashlib
import json
import lzma
import os
import struct
import sys
from array import array

MAGIC = b"C2LLM-ids-1\n"


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def kept(i, share):
    return int.from_bytes(hashlib.sha256(str(i).encode()).digest()[:4], "big") < share * 2**32


def encode_split(pairs, doc_tokens):
    """Query lengths, document lengths and one token stream (each query then its document), all uint16."""
    q_len, d_len, tokens = array("H"), array("H"), array("H")
    for p in pairs:
        d = p["d"][:doc_tokens]
        q_len.append(len(p["q"]))
        d_len.append(len(d))
        tokens.extend(p["q"])
        tokens.extend(d)
    return q_len, d_len, tokens


def pack(data, out, doc_tokens, share):
    train = read_jsonl(os.path.join(data, "train.ids.jsonl"))
    packages = [p["package"] for p in read_jsonl(os.path.join(data, "train.jsonl"))]
    if len(packages) != len(train):
        sys.exit(f"{data}/train.jsonl: {len(packages)} pairs, train.ids.jsonl {len(train)}: tokenize it again")
    chosen = [i for i in range(len(train)) if kept(i, share)]
    names = sorted(set(packages[i] for i in chosen))
    number = {name: k for k, name in enumerate(names)}
    package_of = array("I", (number[packages[i]] for i in chosen))
    splits = {"train": encode_split([train[i] for i in chosen], doc_tokens),
              "validation": encode_split(read_jsonl(os.path.join(data, "validation.ids.jsonl")), doc_tokens)}
    header = json.dumps({"packages": names, "pairs": {s: len(v[0]) for s, v in splits.items()}}).encode()
    tmp = out + ".tmp"
    with lzma.open(tmp, "wb", preset=9 | lzma.PRESET_EXTREME) as f:
        f.write(MAGIC + struct.pack("<I", len(header)) + header)
        f.write(package_of.tobytes())
        for split in ("train", "validation"):
            for part in splits[split]:
                f.write(struct.pack("<Q", len(part)) + part.tobytes())
    os.replace(tmp, out)
    print(f"{out}: {len(chosen)} of {len(train)} training pairs, {len(splits['validation'][0])} validation pairs, "
          f"{sum(len(v[2]) for v in splits.values())} tokens, {os.path.getsize(out) / 2**20:.1f} MiB")


def read_array(f, code):
    (n,) = struct.unpack("<Q", f.read(8))
    part = array(code)
    part.frombytes(f.read(n * part.itemsize))
    if len(part) != n:
        raise EOFError("the packed corpus ends early")
    return part


def unpack(packed, data):
    try:
        splits, packages = read_packed(packed)
    except (lzma.LZMAError, EOFError) as e:
        sys.exit(f"{packed}: {e}: it was not copied whole")
    os.makedirs(data, exist_ok=True)
    for split, pairs in splits.items():
        with open(os.path.join(data, f"{split}.ids.jsonl"), "w") as f:
            f.writelines(json.dumps(p) + "\n" for p in pairs)
    with open(os.path.join(data, "train.jsonl"), "w") as f:
        f.writelines(json.dumps({"package": name}) + "\n" for name in packages)
    print(f"{data}: {len(splits['train'])} training pairs, {len(splits['validation'])} validation pairs")


def read_packed(packed):
    """The pairs of each split ({"q": ids, "d": ids}) and each training pair's package."""
    with lzma.open(packed, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            sys.exit(f"{packed}: not a corpus packed by corpus_pack.py")
        (size,) = struct.unpack("<I", f.read(4))
        header = json.loads(f.read(size))
        package_of = array("I")
        package_of.frombytes(f.read(4 * header["pairs"]["train"]))
        if len(package_of) != header["pairs"]["train"]:
            raise EOFError("the packed corpus ends early")
        splits = {}
        for split in ("train", "validation"):
            q_len, d_len, tokens = read_array(f, "H"), read_array(f, "H"), read_array(f, "H")
            pairs, at = [], 0
            for q, d in zip(q_len, d_len):
                pairs.append({"q": tokens[at : at + q].tolist(), "d": tokens[at + q : at + q + d].tolist()})
                at += q + d
            splits[split] = pairs
    return splits, [header["packages"][k] for k in package_of]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pack")
    p.add_argument("data")
    p.add_argument("out")
    p.add_argument("--doc-tokens", type=int, default=256, help="documents cut to this many tokens (tokenize.mjs cuts at 256)")
    p.add_argument("--share", type=float, default=1.0, help="the share of training pairs kept")
    u = sub.add_parser("unpack")
    u.add_argument("packed")
    u.add_argument("data")
    args = parser.parse_args()
    if args.command == "pack":
        pack(args.data, args.out, args.doc_tokens, args.share)
    else:
        unpack(args.packed, args.data)


if __name__ == "__main__":
    main()
