#!/usr/bin/python3
"""Comments inside functions as descriptions: (a comment a function's body holds, the function without it).

    tools/train/inline_comments.py CORPUS_DIR OUT_DIR

A whole-line comment inside a function is a developer saying in plain words what the next lines do
("scan to closing brace", "try services until we find an Spi or a working Signature subclass"): a
fourth kind of description beside doc comments, README examples and test names, closer to how people
describe a step than a doc comment's "Returns the …". Read from CORPUS_DIR/train.jsonl (corpus.py's
training split: no new source and no evaluation code, so its manifest and near-duplicate filtering hold
here too), each function gives at most one pair: among its comment blocks of one or two lines that read
as prose (PROSE_WORDS words, at least MIN_LETTER_WORDS of three letters or more, at least PROSE_SHARE
letters and spaces, nothing that looks like code, no marker such as TODO, a licence or a URL) and start
within the first MAX_FIRST_LINE lines, one chosen by a hash of the code (the same each time); the query
is that comment, its first letter in lower case and its final period or colon dropped, and the document
is the function without those lines (the answer must not hold its own query). A query seen before gives
nothing. Writes OUT_DIR/train.jsonl with corpus.py's fields.
"""
import argparse
import collections
import hashlib
import json
import os
import re

# Languages whose line comments start with `#`, and with `//` (or a one-line `/* … */`); PHP has both.
HASH_COMMENTS = {"python", "ruby", "php"}
SLASH_COMMENTS = {"go", "rust", "c", "cpp", "java", "javascript", "typescript", "php"}
PROSE_WORDS = range(4, 15)
MIN_LETTER_WORDS = 3
PROSE_SHARE = 0.85
MAX_BLOCK_LINES = 2
MAX_FIRST_LINE = 25
CODE_LIKE = re.compile(r"[=;{}<>\[\]`$\\|]|\w\(|::|->|\w\.\w|^\s*[\w.]+\s*$|\.\.\.")
MARKER = re.compile(
    r"^(todo|fixme|xxx|hack|bug|note|nb|noqa|pylint|type:|eslint|nolint|safety|see |cf\.|e\.g|i\.e|copyright"
    r"|license|spdx|region|endregion|end |fall ?through|falls ?through|pragma|nosec|coverage|istanbul|prettier"
    r"|ts-|@|!|-\*-|vim:|http|www)",
    re.I,
)


def comment_text(line, lang):
    """The text of a whole-line comment in `lang`, or None when the line is not one."""
    s = line.strip()
    if lang in HASH_COMMENTS and s.startswith("#") and not s.startswith(("#!", "#[")):
        return s.lstrip("#").strip()
    if lang in SLASH_COMMENTS:
        if s.startswith("//"):
            return s.lstrip("/").lstrip("!").strip()
        one_line_block = re.fullmatch(r"/\*+(.*?)\*+/", s)
        if one_line_block:
            return one_line_block.group(1).strip()
    return None


def comment_blocks(code, lang):
    """Runs of consecutive whole-line comments after the function's first line: [(line numbers, texts)]."""
    blocks, block = [], []
    for i, line in enumerate(code.split("\n")):
        text = comment_text(line, lang) if i > 0 else None
        if text is not None:
            block.append((i, text))
        elif block:
            blocks.append(block)
            block = []
    return blocks


def reads_as_prose(text):
    return (
        len(text.split()) in PROSE_WORDS
        and len(re.findall(r"[A-Za-z]{3,}", text)) >= MIN_LETTER_WORDS
        and not CODE_LIKE.search(text)
        and not MARKER.match(text)
        and sum(c.isalpha() or c == " " for c in text) >= PROSE_SHARE * len(text)
    )


def descriptions(code, lang):
    """The comments of `code` that describe a step in prose: [(their line numbers, their text)]."""
    found = []
    for block in comment_blocks(code, lang):
        if len(block) > MAX_BLOCK_LINES or block[-1][0] > MAX_FIRST_LINE:
            continue
        text = " ".join(t for _, t in block).strip().rstrip(".:").strip()
        if reads_as_prose(text):
            found.append(([i for i, _ in block], text))
    return found


def pairs_of(corpus):
    """One (comment, function without it) pair for each function of `corpus` that has a description."""
    seen = set()
    for pair in corpus:
        found = descriptions(pair["code"], pair["lang"])
        if not found:
            continue
        rows, text = found[int(hashlib.sha256(pair["code"].encode()).hexdigest()[:8], 16) % len(found)]
        code = "\n".join(line for i, line in enumerate(pair["code"].split("\n")) if i not in rows)
        query = text[0].lower() + text[1:]
        if query.lower() in seen:
            continue
        seen.add(query.lower())
        yield {**pair, "query": query, "code": code}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus_dir")
    parser.add_argument("out_dir")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    out = os.path.join(args.out_dir, "train.jsonl")
    counts = collections.Counter()
    with open(os.path.join(args.corpus_dir, "train.jsonl")) as lines, open(out + ".tmp", "w") as written:
        for pair in pairs_of(json.loads(line) for line in lines):
            counts[pair["lang"]] += 1
            written.write(json.dumps(pair) + "\n")
    os.replace(out + ".tmp", out)
    print(json.dumps({"pairs": sum(counts.values()), "per_language": dict(sorted(counts.items()))}))


if __name__ == "__main__":
    main()
