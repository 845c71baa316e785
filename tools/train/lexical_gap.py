#!/usr/bin/python3
"""Queries that share no word with their code: a training set that teaches the model what BM25 cannot find.

    tools/train/lexical_gap.py IN_DIR OUT_DIR [--share 0.5]

Reads IN_DIR/train.jsonl (corpus.py's pairs) and writes OUT_DIR/train.jsonl, the same pairs in the same
order, where about `share` of the queries (chosen by a hash of the query, so the output is reproducible)
lose every word that the code also holds, compared the way BM25 compares them (src/search/lexical-tokens.ts:
identifiers split at camelCase and snake_case, lowercased, a plural `s` dropped; camelCase is split at ASCII
letters only here, where BM25 splits at any letter's case, so `ÜberCafé` stays one word). "Check that the input
stream has not been closed" over `InputStream getInIfOpen()` keeps "Check that the has not been closed":
what is left is the part of the description that only a model, not word matching, can connect to the code.
A query keeps its words when fewer than MIN_LEFT words of three letters or more would be left, or when it
shares no word with its code already. Doc comments share most of their words with the code they describe,
so a model trained on them alone learns to match words, which is what BM25 already does in the hybrid
ranking; people describing code in their own words mostly do not use its words.
"""
import argparse
import hashlib
import json
import os
import re

IDENTIFIER = re.compile(r"\w+", re.UNICODE)
CAMEL_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
MIN_LEFT = 2


def stem(word):
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def code_words(code):
    """The lexical words of `code`, as src/search/lexical-tokens.ts makes them."""
    out = set()
    for identifier in IDENTIFIER.findall(code):
        parts = [p for piece in identifier.split("_") for p in CAMEL_PARTS.findall(piece)]
        out.add(stem(identifier.replace("_", "").lower()))
        out.update(stem(p.lower()) for p in parts)
    return out


def without_shared_words(query, code):
    """`query` without the words `code` holds, or None when too little (or nothing) would change."""
    shared = code_words(code)
    kept, dropped = [], 0
    for token in re.split(r"(\s+)", query):
        words = IDENTIFIER.findall(token)
        if words and all(stem(w.replace("_", "").lower()) in shared for w in words):
            dropped += 1
            continue
        kept.append(token)
    text = re.sub(r"\s+", " ", "".join(kept)).strip()
    left = [w for w in IDENTIFIER.findall(text) if len(w) >= 3]
    return text if dropped and len(left) >= MIN_LEFT else None


def chosen(query, share):
    return int(hashlib.sha1(query.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--share", type=float, default=0.5, help="the share of queries rewritten (default 0.5)")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    total = rewritten = 0
    tmp = os.path.join(args.output, "train.jsonl.tmp")
    with open(os.path.join(args.input, "train.jsonl")) as src, open(tmp, "w") as out:
        for line in src:
            pair = json.loads(line)
            total += 1
            if chosen(pair["query"], args.share):
                gap = without_shared_words(pair["query"], pair["code"])
                if gap:
                    pair = dict(pair, query=gap)
                    rewritten += 1
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")
    os.replace(tmp, os.path.join(args.output, "train.jsonl"))
    print(f"{rewritten} of {total} queries rewritten without the words their code holds")


if __name__ == "__main__":
    main()
