#!/usr/bin/python3
"""Test names as descriptions: (what a test says the code does, the code it tests) pairs.

    tools/train/test_names.py DEBIAN_DIR OUT_DIR [--evaluation-dir DIR]

A test's name is a developer describing a behaviour in their own words, not in a doc comment's
"Returns the …": `test_copytree_keeps_symlinks`, `fn parses_empty_input_as_none()`. Each Python test
function (`def test_…` in a library's test files), Rust `#[test]` function and Go `TestXxx` function of
every package fetch-debian.sh extracted is paired with the function it tests: among the functions its body calls, the
one defined exactly once in the library's own (non-test) code whose name's words stand in a row in the
test's name; the longest such name wins, and a tie pairs nothing. The query is the test's name split
into words, without "test" and fillers ("should", "works") and, for half the pairs (by a hash of the
test's name, as lexical_gap.py chooses), without the tested function's own words: users describe
behaviour without knowing names. A test whose name holds fewer than MIN_QUERY_WORDS words of three
letters or more beside the function's name gives nothing (`test_parse` describes nothing), nor does a
name of dunder-joined parts (sympy's `test_sympy__core__add__Add`). One function gets at most MAX_QUERIES_PER_FUNCTION tests'
names, one library at most MAX_PAIRS_PER_LIBRARY pairs. The document is the function as corpus.py makes
it (a Python docstring removed). Libraries are split by corpus.py's hash of "language:library", so a
library of its validation or test split gives nothing here; evaluation codebases are never read, and a
pair whose code nearly duplicates an evaluation target is dropped (near_duplicates.py). Writes
OUT_DIR/train.jsonl (corpus.py's fields) and OUT_DIR/test-names-manifest.json (the packages read, the
libraries of the pairs, the pairs per language, the excluded evaluation codebases, the near-duplicates
dropped: the fields test/corpus-leak.test.ts reads in corpus.py's manifest).
"""
import argparse
import ast
import hashlib
import json
import os
import re

from corpus import EVALUATION_CODEBASES, REPO, dedent, fits, function_source, is_excluded, matching_brace, read_source, split_of
from lexical_gap import CAMEL_PARTS
from near_duplicates import NearDuplicates

PYTHON_FOLDER = "usr/lib/python3/dist-packages"
RUST_FOLDER = "usr/share/cargo/registry"
MIN_QUERY_WORDS = 2
MAX_QUERIES_PER_FUNCTION = 3
MAX_PAIRS_PER_LIBRARY = 400
SKIPPED_FOLDERS = {"__pycache__", "benches", "examples", "example", "vendor", "fixtures", "testdata"}
TEST_FILE = re.compile(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$)")
# Words of a test's name that say nothing about the behaviour.
FILLER = {"test", "tests", "it", "should", "check", "checks", "case", "works", "basic", "simple"}


def is_test_file(lang, rel):
    """Whether a library's file holds tests: a Python test module, a Go `_test.go` file, or any Rust file
    (`#[cfg(test)]` modules live beside the code)."""
    return lang == "rust" or rel.endswith("_test.go") or bool(TEST_FILE.search(rel))


def words_of(name):
    """A snake_case or camelCase name's lowercase words."""
    return [w.lower() for part in name.split("_") for w in CAMEL_PARTS.findall(part)]


def in_a_row(needle, haystack):
    """Where the words `needle` stand in a row in `haystack`, or -1."""
    for i in range(len(haystack) - len(needle) + 1):
        if haystack[i : i + len(needle)] == needle:
            return i
    return -1


def describe(test_name, target):
    """The query a test's name gives for `target`: its words without "test" and fillers, and for half the
    tests without the target's own words; None when fewer than MIN_QUERY_WORDS words of three letters or
    more stand beside the target's own (a test named after its function describes nothing)."""
    words, name = words_of(test_name), words_of(target)
    at = in_a_row(name, words)
    beside = [w for w in words[:at] + words[at + len(name) :] if w not in FILLER]
    if sum(len(w) >= 3 and w.isalpha() for w in beside) < MIN_QUERY_WORDS:
        return None
    if hashlib.sha256(test_name.encode()).digest()[0] % 2 == 0:
        return " ".join(beside)
    return " ".join(w for w in words if w not in FILLER)


def tested_function(test_name, calls, definitions):
    """The name among `calls` defined once in `definitions` whose words stand in a row in the test's
    name, the longest one; None when there is none or two are equally long."""
    words = words_of(test_name)
    fits_name = sorted({c for c in calls if len(definitions.get(c, ())) == 1 and words_of(c) and in_a_row(words_of(c), words) >= 0},
                       key=lambda c: -len(words_of(c)))
    if not fits_name or (len(fits_name) > 1 and len(words_of(fits_name[0])) == len(words_of(fits_name[1]))):
        return None
    return fits_name[0]


def braced(source, pattern, lang):
    """(match, end) of each match of `pattern`, which ends at an opening brace, whose brace closes; `end` is
    just past the closing brace."""
    for match in pattern.finditer(source):
        end = matching_brace(source, match.end() - 1, lang)
        if end > 0:
            yield match, end


def source_file(path, library_folder, installed_at):
    """(path here, path within the library, path as installed: what corpus.py records as a pair's path)."""
    return path, os.path.relpath(path, library_folder), "/" + os.path.relpath(path, installed_at)


def libraries_under(debian_dir, layout_folder, suffix, skipped_folders):
    """(package folder, library, files as source_file gives them) of every library a package installs as a
    folder of its own under `layout_folder` (a Python package, a Rust crate), evaluation codebases and
    folders named test or tests skipped; `skipped_folders` are left out inside a library."""
    for package in sorted(os.listdir(debian_dir)):
        installed_at = os.path.join(debian_dir, package)
        root = os.path.join(installed_at, layout_folder)
        for library in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            folder = os.path.join(root, library)
            if library in ("test", "tests") or not os.path.isdir(folder) or is_excluded("/" + os.path.relpath(folder, installed_at)):
                continue
            files = []
            for path, dirs, names in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if d not in skipped_folders)
                files += [source_file(os.path.join(path, n), folder, installed_at) for n in sorted(names) if n.endswith(suffix)]
            yield package, library, files


# ---------------------------------------------------------------- Python

def python_library(files):
    """(definitions: name -> [(path as installed, code)], tests: [(test name, called names)]) of one library's
    files, each (path here, path in the library, path as installed)."""
    definitions, tests = {}, []
    for path, rel, installed in files:
        source = read_source(path)
        try:
            tree = ast.parse(source) if source else None
        except (SyntaxError, ValueError, RecursionError):
            continue
        if tree is None:
            continue
        is_test = bool(TEST_FILE.search(rel))
        lines = source.splitlines(keepends=True)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if is_test:
                if node.name.startswith("test_") and "__" not in node.name:
                    calls = {c.func.id if isinstance(c.func, ast.Name) else c.func.attr
                             for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, (ast.Name, ast.Attribute))}
                    tests.append((node.name, calls))
            elif not node.name.startswith("__") and not node.name.startswith("test"):
                definitions.setdefault(node.name, []).append((installed, dedent(function_source(node, lines))))
    return definitions, tests


def python_libraries(debian_dir):
    return libraries_under(debian_dir, PYTHON_FOLDER, ".py", SKIPPED_FOLDERS)


# ---------------------------------------------------------------- Rust

RUST_FN = re.compile(r"^[ \t]*(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe)\s+)*fn\s+(\w+)\b[^{;]*\{", re.M)
RUST_TEST_FN = re.compile(r"#\[test\]\s*(?:#\[[^\]]*\]\s*)*(?:async\s+)?fn\s+(\w+)\s*\(\s*\)[^{;]*\{")
RUST_CALL = re.compile(r"(?:\.|::|\b)([a-z_]\w*)\s*(?:::<[^>]*>\s*)?\(")


def rust_library(files):
    definitions, tests = {}, []
    for path, rel, installed in files:
        source = read_source(path)
        if not source:
            continue
        tests += [(match.group(1), set(RUST_CALL.findall(source[match.end() : end])))
                  for match, end in braced(source, RUST_TEST_FN, "rust") if "__" not in match.group(1)]
        if TEST_FILE.search(rel):
            continue
        for match, end in braced(source, RUST_FN, "rust"):
            if not re.search(r"#\[test\]\s*$", source[max(0, match.start() - 200) : match.start()]) and not match.group(1).startswith("test"):
                definitions.setdefault(match.group(1), []).append((installed, dedent(source[match.start() : end])))
    return definitions, tests


def rust_libraries(debian_dir):
    return libraries_under(debian_dir, RUST_FOLDER, ".rs", SKIPPED_FOLDERS | {"target"})


# ---------------------------------------------------------------- Go

GO_FUNC = re.compile(r"^func\s+(?:\([^)]*\)\s*)?(\w+)\s*(?:\[[^\]]*\])?\([^{]*\{", re.M)
GO_TEST_FUNC = re.compile(r"^func\s+(Test\w+)\s*\(\s*\w+\s+\*testing\.T\s*\)\s*\{", re.M)
GO_CALL = re.compile(r"(?:\.|\b)([A-Za-z_]\w*)\s*\(")
GO_FOLDER, GO_DEPTH = "usr/share/gocode/src", 3


def go_library(files):
    definitions, tests = {}, []
    for path, rel, installed in files:
        source = read_source(path)
        if not source:
            continue
        if rel.endswith("_test.go"):
            tests += [(match.group(1)[len("Test"):].lstrip("_"), set(GO_CALL.findall(source[match.end() : end])))
                      for match, end in braced(source, GO_TEST_FUNC, "go")]
            continue
        for match, end in braced(source, GO_FUNC, "go"):
            definitions.setdefault(match.group(1), []).append((installed, dedent(source[match.start() : end])))
    return definitions, tests


def go_libraries(debian_dir):
    """Go libraries by import path (owner/name under a host, as corpus.py names them)."""
    for package in sorted(os.listdir(debian_dir)):
        installed_at = os.path.join(debian_dir, package)
        root = os.path.join(installed_at, GO_FOLDER)
        libraries = {}
        for path, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS)
            if is_excluded("/" + os.path.relpath(path, installed_at)):
                dirs.clear()
                continue
            rel = os.path.relpath(path, root)
            library = "/".join(rel.split(os.sep)[:GO_DEPTH])
            if rel.count(os.sep) + 1 >= GO_DEPTH:
                libraries.setdefault(library, []).extend(
                    source_file(os.path.join(path, n), os.path.join(root, library), installed_at) for n in sorted(names) if n.endswith(".go"))
        for library, files in sorted(libraries.items()):
            yield package, library, files


# ---------------------------------------------------------------- pairs

def library_pairs(lang, library, definitions, tests):
    """The pairs of one library's tests, at most MAX_QUERIES_PER_FUNCTION a function."""
    per_function = {}
    for test_name, calls in tests:
        target = tested_function(test_name, calls, definitions)
        query = target and describe(test_name, target)
        installed, code = definitions[target][0] if query else (None, None)
        if not code or not fits(code) or per_function.get(target, 0) >= MAX_QUERIES_PER_FUNCTION:
            continue
        per_function[target] = per_function.get(target, 0) + 1
        yield {"lang": lang, "package": f"{lang}:{library}", "path": installed, "name": target, "query": query, "code": code}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("debian_dir")
    parser.add_argument("out")
    parser.add_argument("--evaluation-dir", default=os.path.join(REPO, ".eval"), help="the evaluation codebases `npm run eval` fetched")
    args = parser.parse_args()
    if not os.path.isdir(args.debian_dir) or not any(os.path.isdir(os.path.join(args.debian_dir, p, "usr")) for p in os.listdir(args.debian_dir)):
        parser.error(f"{args.debian_dir}: no extracted Debian package in it (a folder holding usr/); "
                     "tools/train/fetch-debian.sh DIR extracts them into DIR/packages")
    os.makedirs(args.out, exist_ok=True)
    near = NearDuplicates(REPO, args.evaluation_dir)
    dropped, seen, stats, packages, libraries = [], set(), {}, set(), set()
    path = os.path.join(args.out, "train.jsonl")
    with open(path + ".tmp", "w") as out:
        for lang, source, read_library in (("python", python_libraries, python_library), ("rust", rust_libraries, rust_library),
                                           ("go", go_libraries, go_library)):
            for package, library, files in source(args.debian_dir):
                if split_of(f"{lang}:{library}") != "train" or not any(is_test_file(lang, rel) for _, rel, _ in files):
                    continue
                count = 0
                for pair in library_pairs(lang, library, *read_library(files)):
                    key = (pair["query"], hashlib.sha1(re.sub(r"\s+", "", pair["code"]).encode()).digest())
                    if key in seen or count >= MAX_PAIRS_PER_LIBRARY:
                        continue
                    seen.add(key)
                    target = near.target_of(pair["code"])
                    if target:
                        dropped.append({"package": pair["package"], "path": pair["path"], "name": pair["name"], "near": target})
                        continue
                    out.write(json.dumps(pair) + "\n")
                    count += 1
                    stats[lang] = stats.get(lang, 0) + 1
                if count:
                    packages.add(package)
                    libraries.add(f"{lang}:{library}")
            print(json.dumps(stats), flush=True)
    os.replace(path + ".tmp", path)
    manifest = {"pairs": stats, "debian": dict(sorted(p.split("_", 1) for p in packages)), "npm": {},
                "excluded": [c["id"] for c in EVALUATION_CODEBASES],
                "train_packages": sorted(libraries), "near_duplicates": near.summary(dropped)}
    with open(os.path.join(args.out, "test-names-manifest.json.tmp"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    os.replace(os.path.join(args.out, "test-names-manifest.json.tmp"), os.path.join(args.out, "test-names-manifest.json"))


if __name__ == "__main__":
    main()
