"""Code-search queries that are a symbol's name, for `npm run eval`: in each codebase under CODEBASES (one
folder each, as the code-search sets' fetch.sh leave them), up to PER names of functions, methods and types
that are defined exactly once in it, by universal-ctags (Debian's universal-ctags), outside its tests,
examples, documentation and packaging, each a query whose target is the file and line of its definition.
A name is at least 4 characters, not a constant's (all capitals), private (a leading `_`) or a test's.
The choice is seeded by the codebase's name, so the same codebases give the same queries. With --kind,
each name follows the word that introduces a definition in its language, as people type it (`def` in
Python and Ruby, `fn` in Rust, `func` in Go, `function` elsewhere).

    python3 eval/symbol-queries.py .eval/nl-validation 30 > eval/data/symbol-validation.jsonl
    python3 eval/symbol-queries.py .eval/nl-validation 30 --kind > eval/data/symbol-validation-kind.jsonl
    python3 eval/symbol-queries.py .eval/nl-test 30 > eval/data/symbol-test.jsonl
"""
import collections
import json
import os
import random
import re
import subprocess
import sys

KINDS = {'function', 'method', 'class', 'struct', 'interface', 'trait', 'enum', 'func'}
LANGUAGES = {'.js': 'javascript', '.mjs': 'javascript', '.ts': 'typescript', '.py': 'python', '.go': 'go', '.rs': 'rust', '.java': 'java',
             '.php': 'php', '.rb': 'ruby', '.c': 'c', '.h': 'cpp', '.cc': 'cpp', '.cpp': 'cpp', '.hpp': 'cpp'}
SUPPORTING = re.compile(r'(^|/)(tests?|spec|specs|examples?|bench(es|marks?)?|docs?|debian|fixtures?|testdata|samples?)/|_test\.|\.test\.|Test\.java$|(^|/)test_')
NAME = re.compile(r'^[A-Za-z][A-Za-z0-9_]{3,}[?!]?$')
KIND_WORDS = {'python': 'def', 'ruby': 'def', 'rust': 'fn', 'go': 'func'}


def definitions(codebase):
    """Every tag of the codebase, by name: (path, line, kind)."""
    tags = subprocess.run(['ctags', '-R', '--output-format=json', '--fields=+nK', '-f', '-', '.'], cwd=codebase, capture_output=True, text=True, check=True).stdout
    found = collections.defaultdict(list)
    for line in tags.splitlines():
        tag = json.loads(line)
        if tag.get('_type') == 'tag':
            found[tag['name']].append((tag['path'].removeprefix('./'), tag.get('line'), tag.get('kind')))
    return found


def queries(codebase, per):
    chosen = []
    for name, places in definitions(codebase).items():
        if len(places) != 1 or not NAME.match(name) or name.isupper() or name.lower().startswith('test'):
            continue
        path, line, kind = places[0]
        language = LANGUAGES.get(os.path.splitext(path)[1])
        if kind in KINDS and language and line and not SUPPORTING.search(path):
            chosen.append((name, path, line, language))
    random.Random(os.path.basename(codebase)).shuffle(chosen)
    return sorted(chosen[:per])


def main():
    root, per = sys.argv[1], int(sys.argv[2])
    with_kind = sys.argv[3:] == ['--kind']
    count = 0
    for codebase in sorted(os.listdir(root)):
        for name, path, line, language in queries(os.path.join(root, codebase), per):
            query = f"{KIND_WORDS.get(language, 'function')} {name}" if with_kind else name
            print(json.dumps({'codebase': codebase, 'language': language, 'query': query, 'targets': [path], 'lines': [line, line], 'kind': 'symbol'}))
            count += 1
    print(f'{count} queries', file=sys.stderr)


if __name__ == '__main__':
    main()
