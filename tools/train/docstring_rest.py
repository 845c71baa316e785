#!/usr/bin/python3
"""Python pairs whose document keeps its docstring after the summary, as an index holds code with its comments.

    tools/train/docstring_rest.py CORPUS_DIR DEBIAN_DIR OUT_DIR

corpus.py's documents are functions without their docstrings (the docstring's first sentence is the
query), but `c2llm index` embeds chunks with their comments, and in a codebase comments are much of what
a description in users' words matches. For each Python pair of CORPUS_DIR/train.jsonl whose docstring
says more after its first paragraph (at least MIN_REST_WORDS words: arguments, details, caveats), this
writes the pair again with that rest kept in the document, in the docstring's place; the first paragraph,
which holds the query, is left out, so the query is never copied into its document. Sources are found
again where corpus.py read them (this machine's /usr/lib/python3.11 and /usr/lib/python3/dist-packages,
and DEBIAN_DIR's extracted packages); the pair is matched by its function's name and its code as
corpus.py wrote it. Only training pairs are read, so splits and exclusions are CORPUS_DIR's.
"""
import argparse
import ast
import json
import os

from corpus import dedent, fits, function_source, read_source
from test_names import PYTHON_FOLDER

MIN_REST_WORDS = 5


def installed_sources(debian_dir):
    """Path as installed -> path here, for every Python file of DEBIAN_DIR's extracted packages."""
    found = {}
    for package in sorted(os.listdir(debian_dir)):
        installed_at = os.path.join(debian_dir, package)
        for folder, dirs, names in os.walk(os.path.join(installed_at, PYTHON_FOLDER)):
            dirs.sort()
            for name in sorted(n for n in names if n.endswith(".py")):
                path = os.path.join(folder, name)
                found.setdefault("/" + os.path.relpath(path, installed_at), path)
    return found


def rest_of(doc):
    """The docstring after its first paragraph, or None when that says too little."""
    parts = doc.split("\n\n", 1)
    rest = parts[1].strip() if len(parts) > 1 else ""
    return rest if len(rest.split()) >= MIN_REST_WORDS else None


def with_rest(node, lines, rest):
    """The function as function_source gives it, with `rest` as its docstring."""
    opening = lines[node.body[0].lineno - 1]
    indent = opening[: len(opening) - len(opening.lstrip())]
    body = "\n".join(indent + line if line else "" for line in rest.replace('"""', "'''").split("\n"))
    return dedent(function_source(node, lines, f'{indent}"""\n{body}\n{indent}"""\n'))


def functions(source):
    """(name -> [(node, lines)]) of a file's functions with a docstring and a body beside it."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    lines = source.splitlines(keepends=True)
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and len(node.body) > 1 and ast.get_docstring(node):
            found.setdefault(node.name, []).append((node, lines))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus_dir")
    parser.add_argument("debian_dir")
    parser.add_argument("out")
    args = parser.parse_args()
    installed = installed_sources(args.debian_dir)
    by_file = {}
    with open(os.path.join(args.corpus_dir, "train.jsonl")) as f:
        for line in f:
            pair = json.loads(line)
            if pair["lang"] == "python":
                by_file.setdefault(pair["path"], []).append(pair)
    os.makedirs(args.out, exist_ok=True)
    stats = {"python_pairs": sum(map(len, by_file.values())), "source_missing": 0, "written": 0}
    path = os.path.join(args.out, "train.jsonl")
    with open(path + ".tmp", "w") as out:
        for installed_path in sorted(by_file):
            here = installed_path if os.path.isfile(installed_path) else installed.get(installed_path)
            source = read_source(here) if here else None
            if not source:
                stats["source_missing"] += len(by_file[installed_path])
                continue
            defined = functions(source)
            for pair in by_file[installed_path]:
                for node, lines in defined.get(pair["name"], []):
                    if dedent(function_source(node, lines)) != pair["code"]:
                        continue
                    rest = rest_of(ast.get_docstring(node, clean=True))
                    code = rest and with_rest(node, lines, rest)
                    if code and fits(code):
                        out.write(json.dumps({**pair, "code": code}) + "\n")
                        stats["written"] += 1
                    break
    os.replace(path + ".tmp", path)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
