#!/usr/bin/env python3
"""Checks the code-search test set against fetched codebases: every target exists, and the symbol is named
on the first line of its line range.   usage: python3 eval/nl-test/check.py DIR   (exit 1 if not)"""
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__)
here = os.path.dirname(os.path.abspath(__file__))
problems = 0
for line in open(os.path.join(here, "queries.jsonl")):
    q = json.loads(line)
    path = os.path.join(root, q["codebase"], q["targets"][0])
    if not os.path.isfile(path):
        print(f"missing: {q['codebase']}/{q['targets'][0]}")
        problems += 1
        continue
    lines = open(path, encoding="utf-8").read().split("\n")
    start, end = q["lines"]
    if not (1 <= start <= end <= len(lines)) or q["symbol"].lstrip("#") not in lines[start - 1]:
        print(f"drifted: {q['codebase']}/{q['targets'][0]}:{start} does not define {q['symbol']}")
        problems += 1
print("RESULT:", "OK" if problems == 0 else f"{problems} problem(s)")
sys.exit(1 if problems else 0)
