"""Code-search queries that are a file's name, for `npm run eval`: in each codebase under CODEBASES (one
folder each, as the code-search sets' fetch.sh leave them), up to PER of its source files outside tests,
examples, documentation and packaging, each a query that is the shortest end of its path naming it alone
among the codebase's files (`mux.go`, `languages/__init__.py`), as people type a file's name to open it;
the target is the file (line 1). The choice is seeded by the codebase's name, so the same codebases give
the same queries.

    python3 eval/file-queries.py .eval/nl-validation 25 > eval/data/file-validation.jsonl
    python3 eval/file-queries.py .eval/nl-test 25 > eval/data/file-test.jsonl
"""
import importlib.util
import json
import os
import random
import sys

# Which files are source code, and which are tests, examples or documents: message-queries.py's rules.
_spec = importlib.util.spec_from_file_location('message_queries', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'message-queries.py'))
_messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_messages)
LANGUAGES, SUPPORTING = _messages.LANGUAGES, _messages.SUPPORTING


def paths(codebase):
    """Every file of the codebase, outside hidden folders, relative to it."""
    found = []
    for folder, folders, files in os.walk(codebase):
        folders[:] = sorted(f for f in folders if not f.startswith('.'))
        found.extend(os.path.relpath(os.path.join(folder, name), codebase) for name in sorted(files))
    return found


def shortest_name(path, everything):
    """The shortest end of `path`, whole folder names, that no other file's path ends with; where every end
    is another's too (`languages/cs.py` beside `parsers/rst/languages/cs.py`), the path typed from the
    root, `/languages/cs.py`."""
    parts = path.split('/')
    for n in range(1, len(parts) + 1):
        end = '/'.join(parts[-n:])
        if sum(1 for p in everything if p == end or p.endswith('/' + end)) == 1:
            return end
    return '/' + path


def queries(codebase, per):
    everything = paths(codebase)
    chosen = [p for p in everything if os.path.splitext(p)[1] in LANGUAGES and not SUPPORTING.search(p)]
    random.Random(os.path.basename(codebase)).shuffle(chosen)
    return sorted((shortest_name(p, everything), p, LANGUAGES[os.path.splitext(p)[1]]) for p in chosen[:per])


def main():
    root, per = sys.argv[1], int(sys.argv[2])
    count = 0
    for codebase in sorted(os.listdir(root)):
        for name, path, language in queries(os.path.join(root, codebase), per):
            print(json.dumps({'codebase': codebase, 'language': language, 'query': name, 'targets': [path], 'lines': [1, 1], 'kind': 'file'}))
            count += 1
    print(f'{count} queries', file=sys.stderr)


if __name__ == '__main__':
    main()
