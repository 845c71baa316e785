#!/usr/bin/python3
"""Builds the (query, code) pairs C2LLM-nano is trained and evaluated on, the CodeSearchNet way.

    tools/train/corpus.py OUT_DIR [--npm-dir DIR]

A pair is a function with a doc comment: the query is the comment's first sentence, the document is the
function with the comment removed. Sources are what this machine reaches: Debian's openjdk-17-source,
python3.11's standard library and /usr/lib/python3/dist-packages, golang-1.19-src, rust-src, and the npm
packages of tools/train/npm-packages.txt (installed with --ignore-scripts into --npm-dir). Pairs are
deduplicated by normalised code and by normalised query, then split into train / validation / test by
package (a hash of the language and the package or module directory), so that the test split is code from
packages the model never saw. Writes OUT_DIR/{train,validation,test}.jsonl, OUT_DIR/corpus-stats.json and OUT_DIR/corpus-manifest.json
(committed as tools/train/corpus-manifest.json by run.sh).
"""
import argparse
import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
JAVA_SRC_ZIP = "/usr/lib/jvm/openjdk-17/lib/src.zip"
PYTHON_ROOTS = ["/usr/lib/python3.11", "/usr/lib/python3/dist-packages"]
GO_ROOT = "/usr/share/go-1.19/src"
RUST_ROOT = "/usr/lib/rustlib/src/rust/library"
GO_LIBRARIES = "/usr/share/gocode/src"          # Debian's golang-*-dev packages
RUST_CRATES = "/usr/share/cargo/registry"        # Debian's librust-*-dev packages
RUBY_ROOTS = ["/usr/lib/ruby/3.1.0", "/usr/share/rubygems-integration/all/gems", "/usr/lib/ruby/vendor_ruby"]
PHP_ROOT = "/usr/share/php"
MAX_CODE_CHARS = 3000
MIN_CODE_LINES = 3
MIN_QUERY_WORDS, MAX_QUERY_WORDS = 3, 40
TEST_PERCENT, VALIDATION_PERCENT = 8, 4
# Codebases that evaluation sets are written over (tools/train/evaluation-codebases.json): never training data.
with open(os.path.join(HERE, "evaluation-codebases.json")) as _f:
    EVALUATION_CODEBASES = json.load(_f)["codebases"]
EXCLUDED_ROOTS = tuple(c["root"].rstrip("/") + "/" for c in EVALUATION_CODEBASES if c.get("root"))
EXCLUDED_NPM = {c["npm"] for c in EVALUATION_CODEBASES if c.get("npm")}

# ---------------------------------------------------------------- query cleaning

INLINE_TAG = re.compile(r"\{@(?:code|link|linkplain|literal|value)\s+([^}]*)\}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[`?([^\]`]+)`?\]")
SENTENCE_END = re.compile(r"(?<=[a-z0-9)`'\"])\.(\s|$)")
REJECT = re.compile(r"^(todo|fixme|deprecated|internal|see |@|//|#|copyright|license|private|hidden)|inheritdoc|```|\bxxx\b", re.I)


def summary_of(doc, name, markup=False):
    """The doc comment's first sentence, made plain; None when it does not read as a description."""
    text = INLINE_TAG.sub(r"\1", doc)
    text = HTML_TAG.sub(" ", text) if markup else text
    text = MARKDOWN_LINK.sub(lambda m: m.group(1) or m.group(2), text)
    paragraph = re.split(r"\n\s*\n|\n\s*[@:]|\n\s*(?:Args|Arguments|Parameters|Returns|Example|Examples|# )", text.strip())[0]
    paragraph = " ".join(paragraph.split())
    match = SENTENCE_END.search(paragraph)
    sentence = paragraph[: match.start()] if match else paragraph
    sentence = sentence.strip(" .:")
    words = sentence.split()
    # Go (and some Java/Rust) comments open with the function's own name: it would leak the answer.
    if words and name and words[0].strip("`'\"*").lower() in (name.lower(), name.lower() + "()"):
        words = words[1:]
        if words and words[0].lower() in ("is", "will"):
            pass
    sentence = " ".join(words)
    if not (MIN_QUERY_WORDS <= len(words) <= MAX_QUERY_WORDS) or REJECT.search(sentence):
        return None
    if not re.search(r"[a-zA-Z]{3}", sentence):
        return None
    return sentence[0].upper() + sentence[1:]


# ---------------------------------------------------------------- Python (ast)

def python_pairs(source, rel):
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return
    lines = source.splitlines(keepends=True)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        doc = ast.get_docstring(node, clean=True)
        body = node.body
        if not doc or len(body) < 2 or node.name.startswith("__"):
            continue
        first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        doc_node = body[0]
        kept = lines[first - 1 : doc_node.lineno - 1] + lines[doc_node.end_lineno : node.end_lineno]
        code = dedent("".join(kept))
        query = summary_of(doc, node.name)
        if query:
            yield node.name, query, code


def dedent(code):
    lines = code.splitlines()
    indents = [len(l) - len(l.lstrip()) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(l[cut:] for l in lines).strip("\n") + "\n"


# ---------------------------------------------------------------- Ruby (comment lines above a def)

RUBY_DEF = re.compile(r"^([ \t]*)def\s+(?:self\.)?([a-z_]\w*[?!]?)", re.M)


def ruby_pairs(source):
    lines = source.split("\n")
    for i, line in enumerate(lines):
        match = RUBY_DEF.match(line)
        if not match or i == 0:
            continue
        indent, name = match.group(1), match.group(2)
        doc_lines = []
        j = i - 1
        while j >= 0 and lines[j].strip().startswith("#"):
            doc_lines.insert(0, re.sub(r"^\s*#+\s?", "", lines[j]))
            j -= 1
        if not doc_lines or name.startswith("_"):
            continue
        end = next((k for k in range(i + 1, min(len(lines), i + 200)) if lines[k] == indent + "end"), None)
        if end is None:
            continue
        query = summary_of("\n".join(doc_lines), name.rstrip("?!"))
        if query:
            yield name, query, dedent("\n".join(lines[i : end + 1]))


# ---------------------------------------------------------------- brace languages

JAVA_DOC = re.compile(r"/\*\*(.*?)\*/", re.S)
LINE_DOC = {"go": re.compile(r"((?:^[ \t]*//(?!/)[^\n]*\n)+)", re.M), "rust": re.compile(r"((?:^[ \t]*///[^\n]*\n)+)", re.M)}
DECL = {
    "java": re.compile(r"\s*(?:@\w+(?:\([^)]*\))?\s*)*(?:(?:public|protected|private|static|final|synchronized|native|default|abstract|strictfp)\s+)*(?:<[^>]*>\s*)?[\w<>\[\],.? ]+?\s+(\w+)\s*\("),
    "js": re.compile(r"\s*(?:export\s+)?(?:default\s+)?(?:(?:public|private|protected|static|async|override|readonly)\s+)*(?:function\s*\*?\s*(\w+)|(?:const|let|var)\s+(\w+)\s*=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*(?::[^=]*)?=>|\w+\s*=>)|(\w+)\s*(?:<[^>]*>)?\s*\()"),
    "go": re.compile(r"\s*func\s+(?:\([^)]*\)\s*)?(\w+)"),
    "php": re.compile(r"\s*(?:(?:public|protected|private|static|final|abstract)\s+)*function\s+&?(\w+)\s*\("),
    "rust": re.compile(r"\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern\s+\"C\")\s+)*fn\s+(\w+)"),
}
JS_NOT_NAMES = {"if", "for", "while", "switch", "catch", "return", "function", "typeof", "new", "super", "constructor"}


def matching_brace(text, start, lang):
    """Index just past the brace that closes the one at `start`, skipping strings and comments; -1 if none."""
    depth, i, n = 0, start, len(text)
    quotes = "\"'`" if lang in ("java", "js") else "\"`" if lang == "go" else "\"'" if lang == "php" else "\""
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                return -1
        elif c == "/" and text.startswith("/*", i):
            i = text.find("*/", i + 2)
            if i < 0:
                return -1
            i += 1
        elif c in quotes:
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\":
                    j += 1
                elif text[j] == "\n" and c != "`":
                    break
                j += 1
            i = j
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
        if i - start > MAX_CODE_CHARS * 2:
            return -1
    return -1


def clean_block_doc(raw):
    return "\n".join(re.sub(r"^\s*\*\s?", "", line) for line in raw.splitlines())


def clean_line_doc(raw):
    return "\n".join(re.sub(r"^\s*///?\s?", "", line) for line in raw.splitlines())


def brace_pairs(source, lang):
    docs = LINE_DOC[lang].finditer(source) if lang in LINE_DOC else JAVA_DOC.finditer(source)
    for match in docs:
        doc = clean_line_doc(match.group(1)) if lang in LINE_DOC else clean_block_doc(match.group(1))
        after = match.end()
        header_end = source.find("{", after)
        if header_end < 0 or header_end - after > 400:
            continue
        header = source[after:header_end]
        if lang in ("java", "js", "php") and (";" in header or re.search(r"\b(class|interface|enum|record)\b", header)):
            continue
        decl = DECL[lang].match(source, after)
        if not decl:
            continue
        name = next((g for g in decl.groups() if g), None)
        if not name or name in JS_NOT_NAMES:
            continue
        end = matching_brace(source, header_end, lang)
        if end < 0:
            continue
        line_start = source.rfind("\n", 0, after) + 1
        code = dedent(source[line_start:end] if source[line_start:after].strip() == "" else source[after:end])
        query = summary_of(doc, name, markup=lang in ("java", "js", "php"))
        if query:
            yield name, query, code


# ---------------------------------------------------------------- sources

def walk(root, suffixes, skip=re.compile(r"/(test|tests|testdata|__pycache__|examples?|benches|vendor)/")):
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        if (folder.rstrip("/") + "/").startswith(EXCLUDED_ROOTS):
            dirs.clear()
            continue
        for f in sorted(files):
            path = os.path.join(folder, f)
            if f.endswith(suffixes) and not skip.search("/" + os.path.relpath(path, root) + "/") and not f.endswith((".min.js", ".d.ts", "_test.go")):
                yield path


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (UnicodeDecodeError, OSError):
        return None


def java_sources():
    with zipfile.ZipFile(JAVA_SRC_ZIP) as z:
        for name in sorted(z.namelist()):
            if name.endswith(".java") and "/internal/" not in name and "/sun/" not in name:
                group = os.path.dirname(name)
                yield "java", group, name, z.read(name).decode("utf-8", "replace")


def python_sources():
    for root in PYTHON_ROOTS:
        for path in walk(root, (".py",)):
            rel = os.path.relpath(path, root)
            parts = rel.split(os.sep)
            group = ("stdlib/" if root.endswith("python3.11") else "") + (parts[0] if len(parts) > 1 else rel[:-3])
            text = read(path)
            if text:
                yield "python", group, path, text


def tree_sources(lang, root, suffixes, depth):
    for path in walk(root, suffixes):
        rel = os.path.relpath(path, root)
        group = "/".join(os.path.dirname(rel).split(os.sep)[:depth]) or "root"
        text = read(path)
        if text:
            yield lang, group, rel, text


def library_sources(lang, root, suffixes):
    """Every library folder under `root` (Debian's Go packages by import path owner/name, Rust crates,
    Ruby gems, PHP vendors): one package each, evaluation codebases skipped (walk)."""
    depth = 3 if lang == "go" else 1
    yield from tree_sources(lang, root, suffixes, depth)


def npm_packages():
    packages = [l.strip() for l in open(os.path.join(HERE, "npm-packages.txt")) if l.strip() and not l.startswith("#")]
    leaked = [p for p in packages if p.rsplit("@", 1)[0] in EXCLUDED_NPM]
    if leaked:
        sys.exit(f"npm-packages.txt: {', '.join(leaked)} is an evaluation codebase (evaluation-codebases.json)")
    return packages


def npm_sources(npm_dir):
    packages = npm_packages()
    modules = os.path.join(npm_dir, "node_modules")
    if not os.path.isdir(modules):
        subprocess.run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", npm_dir, *packages], check=True)
    for spec in packages:
        name = spec.rsplit("@", 1)[0] if spec.rfind("@") > 0 else spec
        root = os.path.join(modules, name)
        for path in walk(root, (".js", ".ts", ".mjs"), skip=re.compile(r"/(test|tests|__tests__|dist|umd|min|node_modules|docs?|examples?|esm5|bundles|cjs)/")):
            text = read(path)
            if text and len(text) < 2_000_000:
                yield ("typescript" if path.endswith(".ts") else "javascript"), name, os.path.relpath(path, modules), text


def write_manifest(out, npm_dir):
    """OUT/corpus-manifest.json: every source of the corpus with its version, the excluded evaluation
    codebases, the pairs per split and language, and the packages of the training split (what
    test/corpus-leak.test.ts checks against every evaluation set)."""
    def deb_version(package):
        result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
        return result.stdout.strip() or None
    npm = {}
    for spec in npm_packages():
        name = spec.rsplit("@", 1)[0] if spec.rfind("@") > 0 else spec
        with open(os.path.join(npm_dir, "node_modules", name, "package.json")) as f:
            npm[name] = json.load(f)["version"]
    packages = {}
    for split in ("train", "validation", "test"):
        with open(os.path.join(out, f"{split}.jsonl")) as f:
            packages[split] = sorted({json.loads(line)["package"] for line in f})
    with open(os.path.join(out, "corpus-stats.json")) as f:
        stats = json.load(f)
    manifest = {"debian": {name: deb_version(name) for name in ("openjdk-17-source", "libpython3.11-stdlib", "golang-1.19-src", "rust-src")},
                "npm": npm, "excluded": [c["id"] for c in EVALUATION_CODEBASES], "pairs": stats,
                "packages": {split: len(p) for split, p in packages.items()}, "train_packages": packages["train"]}
    with open(os.path.join(out, "corpus-manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


def extract(source_iter):
    for lang, group, path, text in source_iter:
        pairs = python_pairs(text, path) if lang == "python" else ruby_pairs(text) if lang == "ruby" else brace_pairs(text, {"javascript": "js", "typescript": "js"}.get(lang, lang))
        for name, query, code in pairs:
            if len(code) <= MAX_CODE_CHARS and code.count("\n") + 1 >= MIN_CODE_LINES:
                yield {"lang": lang, "package": f"{lang}:{group}", "path": path, "name": name, "query": query, "code": code}


def user_style(query):
    """A doc summary as a user types it into a search box: "Returns the number of lines." becomes
    "return the number of lines" (lower case, a leading third-person verb in its base form, no final period)."""
    first, _, rest = query.partition(" ")
    if re.fullmatch(r"[A-Z][a-z]{2,}", first) and first.lower() not in ("this", "class", "is", "has", "does", "was"):
        if first.endswith("ies"):
            first = first[:-3] + "y"
        elif re.search(r"(ss|sh|ch|x|z)es$", first):
            first = first[:-2]
        elif first.endswith("s") and not first.endswith("ss"):
            first = first[:-1]
    query = f"{first} {rest}" if rest else first
    return query[0].lower() + query[1:].rstrip(".")


def split_of(package):
    bucket = int(hashlib.sha256(package.encode()).hexdigest(), 16) % 100
    return "test" if bucket < TEST_PERCENT else "validation" if bucket < TEST_PERCENT + VALIDATION_PERCENT else "train"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--npm-dir", default="/tmp/c2llm-npm-corpus")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sources = [
        java_sources(), python_sources(), tree_sources("go", GO_ROOT, (".go",), 3),
        tree_sources("rust", RUST_ROOT, (".rs",), 3), npm_sources(args.npm_dir),
        library_sources("go", GO_LIBRARIES, (".go",)), library_sources("rust", RUST_CRATES, (".rs",)),
        *(library_sources("ruby", root, (".rb",)) for root in RUBY_ROOTS), library_sources("php", PHP_ROOT, (".php",)),
    ]
    seen_code, seen_query = set(), set()
    outputs = {s: open(os.path.join(args.out, f"{s}.jsonl.tmp"), "w") for s in ("train", "validation", "test")}
    stats = {}
    for source in sources:
        for pair in extract(source):
            code_key = hashlib.sha1(re.sub(r"\s+", "", pair["code"]).encode()).digest()
            query_key = re.sub(r"[^a-z0-9]+", " ", pair["query"].lower()).strip()
            if code_key in seen_code or query_key in seen_query:
                continue
            seen_code.add(code_key)
            seen_query.add(query_key)
            split = split_of(pair["package"])
            # Half the training queries (by a hash of the query: the same half each build) in a user's style.
            if split == "train" and query_key and hashlib.sha256(query_key.encode()).digest()[0] % 2 == 0:
                pair = dict(pair, query=user_style(pair["query"]))
            outputs[split].write(json.dumps(pair) + "\n")
            key = f"{split}/{pair['lang']}"
            stats[key] = stats.get(key, 0) + 1
        print(json.dumps(stats), file=sys.stderr)
    for split, f in outputs.items():
        f.close()
        os.replace(f.name, os.path.join(args.out, f"{split}.jsonl"))
    with open(os.path.join(args.out, "corpus-stats.json"), "w") as f:
        json.dump(stats, f, indent=1, sort_keys=True)
    write_manifest(args.out, args.npm_dir)


if __name__ == "__main__":
    main()
