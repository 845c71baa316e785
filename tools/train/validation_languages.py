#!/usr/bin/python3
"""The docstring validation pool for the languages eval/data/validation.jsonl lacks (Rust and JavaScript):
queries in users' words are written over it (eval/data/natural-language-validation-rust-javascript.jsonl).

    tools/train/validation_languages.py CORPUS_DIR OUT.jsonl [--languages rust,javascript]

Reads CORPUS_DIR/validation.jsonl (corpus.py's validation split of the corpus phases 5 to 7 were trained
on: packages the model never saw, split by a hash of the package) and keeps the pairs of those
languages whose code no training document of CORPUS_DIR/train.jsonl nearly duplicates (the check
corpus.py makes against every evaluation set: near_duplicates.py's 5-token shingles, a training
document at least 80% inside the pair's code), so that no copy of a pool function was trained on.
Written whole (a temporary file, then renamed).
"""
import argparse
import json
import os

from near_duplicates import ShingleIndex, shingles


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--languages", default="rust,javascript")
    args = parser.parse_args()
    languages = set(args.languages.split(","))
    with open(os.path.join(args.corpus, "validation.jsonl")) as f:
        pool = [pair for pair in map(json.loads, f) if pair["lang"] in languages]
    index = ShingleIndex([shingles(pair["code"]) for pair in pool])
    copied = set()
    with open(os.path.join(args.corpus, "train.jsonl")) as f:
        for line in f:
            copied.update(index.copied(json.loads(line)["code"]))
    kept = [pair for t, pair in enumerate(pool) if t not in copied]
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.writelines(json.dumps(pair) + "\n" for pair in kept)
    os.replace(tmp, args.out)
    counts = {lang: sum(p["lang"] == lang for p in kept) for lang in sorted(languages)}
    print(f"{args.out}: {len(kept)} pairs {counts}; {len(copied)} dropped, nearly copied by a training document")


if __name__ == "__main__":
    main()
