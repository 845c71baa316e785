"""Code-search queries that are a message pasted from a program's output, for `npm run eval`: in each
codebase under CODEBASES (one folder each, as the code-search sets' fetch.sh leave them), up to PER string
literals of its code (not of its comments or docstrings) that read as a sentence (4 to 14 words, starting
with a letter, no markup or code characters) and occur in exactly one place of its code outside tests,
examples, documentation and packaging, each a query whose target is that file and line. The query is the message as a user sees it:
its placeholders (`%s`, `%d`, `{}`, `{0}`, `{name}`, `$name`) filled with a word, as a log would show
them. The choice is seeded by the codebase's name, so the same codebases give the same queries.

    python3 eval/message-queries.py .eval/nl-validation 25 > eval/data/message-validation.jsonl
    python3 eval/message-queries.py .eval/nl-test 25 > eval/data/message-test.jsonl
"""
import collections
import importlib.util
import json
import os
import random
import re
import sys

# Which files are source code, and in which language: symbol-queries.py's table.
_spec = importlib.util.spec_from_file_location('symbol_queries', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'symbol-queries.py'))
_symbols = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_symbols)
LANGUAGES = _symbols.LANGUAGES
# Tests, examples, documents and packaging, as symbol-queries.py's, and also vendored and built folders and
# `_examples/`, which a string literal's search would find copies in.
SUPPORTING = re.compile(r'(^|/)_?(tests?|spec|specs|examples?|bench(es|marks?)?|docs?|debian|fixtures?|testdata|samples?|node_modules|vendor|dist)/|_test\.|\.test\.|Test\.java$|(^|/)test_')
# A quote that opens a literal follows no letter or digit (an apostrophe in "wasn't" opens none).
LITERAL = re.compile(r'(?<![\w\'"])(?:"([^"\\\n]{12,120})"|\'([^\'\\\n]{12,120})\')')
# A line that is a comment: `//`, `/*`, a block comment's `*`, `#`; Python's docstrings are told apart below.
COMMENT = re.compile(r'^\s*(//|/\*|\*(\s|/|$)|#)')
DOCSTRING = re.compile(r'^\s*[rRbBuU]?("""|\'\'\')')
PLACEHOLDER = re.compile(r'%[-+ #0-9.]*[sdvqrxifg]|\{[\w:?.#]*\}|\$\{?\w+\}?')
CODE_CHARACTERS = re.compile(r'[<>{}=;|\\`]|::|->|\(\)')
FILLER = 'example'


def messages(codebase):
    """Each candidate message of the codebase's code, with the places (path, line) it occurs."""
    found = collections.defaultdict(list)
    for folder, folders, files in os.walk(codebase):
        folders[:] = sorted(f for f in folders if not f.startswith('.'))
        for name in sorted(files):
            path = os.path.relpath(os.path.join(folder, name), codebase)
            language = LANGUAGES.get(os.path.splitext(name)[1])
            if not language or SUPPORTING.search(path):
                continue
            with open(os.path.join(codebase, path), encoding='utf-8', errors='replace') as source:
                docstring = None
                for number, line in enumerate(source, 1):
                    if docstring:
                        if docstring in line:
                            docstring = None
                        continue
                    opened = DOCSTRING.match(line) if language == 'python' else None
                    if opened:
                        if opened.group(1) not in line[opened.end():]:
                            docstring = opened.group(1)
                        continue
                    if COMMENT.match(line):
                        continue
                    for match in LITERAL.finditer(line):
                        text = (match.group(1) or match.group(2)).strip()
                        words = text.split()
                        if 4 <= len(words) <= 14 and text[0].isalpha() and not CODE_CHARACTERS.search(PLACEHOLDER.sub('', text)):
                            found[text].append((path, number, language))
    return found


def queries(codebase, per):
    chosen = [(text, *places[0]) for text, places in messages(codebase).items() if len(places) == 1]
    random.Random(os.path.basename(codebase)).shuffle(chosen)
    return sorted(chosen[:per])


def main():
    root, per = sys.argv[1], int(sys.argv[2])
    count = 0
    for codebase in sorted(os.listdir(root)):
        for text, path, line, language in queries(os.path.join(root, codebase), per):
            query = ' '.join(PLACEHOLDER.sub(FILLER, text).split())
            print(json.dumps({'codebase': codebase, 'language': language, 'query': query, 'targets': [path], 'lines': [line, line], 'kind': 'message'}))
            count += 1
    print(f'{count} queries', file=sys.stderr)


if __name__ == '__main__':
    main()
