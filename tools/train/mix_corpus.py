#!/usr/bin/python3
"""A training corpus made of a share of one corpus's pairs and all of others', token ids alike.

    tools/train/mix_corpus.py BASE_DIR ADDED_DIR... OUT_DIR --share 0.25

OUT_DIR/train.jsonl and OUT_DIR/train.ids.jsonl hold BASE_DIR's pairs whose code falls in `share` (by a
hash of the code, so the same pairs each time; not of the query, which corpus.py and lexical_gap.py already
chose by: lexical_gap.py's rewritten queries would be kept more often than the others) and then every pair
of each ADDED_DIR in turn, line for line in both files; OUT_DIR/validation.ids.jsonl is BASE_DIR's. A small corpus of a
new kind of description (test_names.py) is then a real part of each batch instead of a few pairs in a
hundred, without repeating any of its pairs within an epoch.
"""
import argparse
import hashlib
import json
import os
import shutil


def chosen(code, share):
    return int(hashlib.sha256(code.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def lines(path):
    with open(path) as f:
        yield from f


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base")
    parser.add_argument("added", nargs="+")
    parser.add_argument("out")
    parser.add_argument("--share", type=float, required=True, help="the share of BASE_DIR's pairs kept")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    counts = {}
    with open(os.path.join(args.out, "train.jsonl.tmp"), "w") as pairs, open(os.path.join(args.out, "train.ids.jsonl.tmp"), "w") as ids:
        for source, share in ((args.base, args.share), *((added, 1.0) for added in args.added)):
            kept = 0
            for pair, pair_ids in zip(lines(os.path.join(source, "train.jsonl")), lines(os.path.join(source, "train.ids.jsonl")), strict=True):
                if share >= 1 or chosen(json.loads(pair)["code"], share):
                    pairs.write(pair)
                    ids.write(pair_ids)
                    kept += 1
            counts[source] = kept
    for name in ("train.jsonl", "train.ids.jsonl"):
        os.replace(os.path.join(args.out, name + ".tmp"), os.path.join(args.out, name))
    shutil.copy(os.path.join(args.base, "validation.ids.jsonl"), os.path.join(args.out, "validation.ids.jsonl"))
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
