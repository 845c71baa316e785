"""Finds training documents that are near-duplicates of an evaluation target, so that a copy of an
evaluation function kept under another package (a vendored file, a fork, another version) never trains
the model that is measured on it.

A document is a near-duplicate of a target when at least CONTAINMENT of its distinct 5-token shingles
occur in that one target. The targets are every source file of the code-search evaluation codebases (the
NL validation set's and the NL test set's, as `npm run eval` fetches them into .eval/) and the code of
every pair of the docstring test and validation splits (eval/data). `evaluation_digest` names the
evaluation sets the check was made against; test/corpus-leak.test.ts computes it again from the same
files, so a manifest made before an evaluation set changed fails the test.
"""
import hashlib
import json
import os
import re
import zlib

SHINGLE = 5
CONTAINMENT = 0.8
MIN_SHINGLES = 10
SOURCE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".py", ".go", ".rs", ".rb", ".php", ".java", ".c", ".cc", ".cpp", ".h", ".hpp")
TOKEN = re.compile(r"\w+|[^\w\s]")
# The files whose bytes name the evaluation sets, relative to the repository (test/corpus-leak.test.ts
# reads the same list from the manifest).
DIGEST_FILES = ["../shared/eval/nl-validation/codebases.json", "../shared/eval/nl-validation/queries.jsonl",
                "eval/nl-test/codebases.json", "eval/nl-test/queries.jsonl", "eval/data/test.jsonl", "eval/data/validation.jsonl"]


def shingles(code):
    tokens = TOKEN.findall(code)
    return {zlib.crc32(" ".join(tokens[i : i + SHINGLE]).encode()) for i in range(len(tokens) - SHINGLE + 1)}


def evaluation_digest(repo):
    digest = hashlib.sha256()
    for name in DIGEST_FILES:
        with open(os.path.join(repo, name), "rb") as f:
            data = f.read()
        digest.update(f"{name}\n{len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()


class ShingleIndex:
    """Code by its shingles, to find what a document nearly copies: a target holding at least CONTAINMENT of
    the document's shingles. `common`: shingles that more targets than this share are left out of the index
    (they find no candidate worth checking, and cost time)."""

    def __init__(self, targets, common=None):
        self.targets = targets
        index = {}
        for t, target in enumerate(targets):
            for s in target:
                index.setdefault(s, []).append(t)
        self.index = index if common is None else {s: ts for s, ts in index.items() if len(ts) <= common}

    def copied(self, code, candidates=None):
        """The targets (their positions) that `code` nearly copies, among the `candidates` that share the
        most shingles with it (None: all), most shared first."""
        doc = shingles(code)
        if len(doc) < MIN_SHINGLES:
            return []
        hits = {}
        for s in doc:
            for t in self.index.get(s, ()):
                hits[t] = hits.get(t, 0) + 1
        needed = CONTAINMENT * len(doc)
        return [t for t, _ in sorted(hits.items(), key=lambda item: -item[1])[:candidates] if len(doc & self.targets[t]) >= needed]


class NearDuplicates:
    def __init__(self, repo, evaluation_dir):
        self.targets = []          # (set name, label, shingle set)
        self.counts = {}
        for set_name in ("nl-validation", "nl-test"):
            root = os.path.join(evaluation_dir, set_name)
            if not os.path.isdir(root) or not os.listdir(root):
                raise SystemExit(f"{root}: no evaluation codebases; fetch them first (tools/train/run.sh says how)")
            for folder, dirs, files in os.walk(root):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith(SOURCE_SUFFIXES):
                        with open(os.path.join(folder, f), encoding="utf-8", errors="replace") as handle:
                            self._add(set_name, os.path.relpath(os.path.join(folder, f), evaluation_dir), handle.read())
        for split in ("test", "validation"):
            with open(os.path.join(repo, "eval/data", f"{split}.jsonl")) as handle:
                for line in handle:
                    pair = json.loads(line)
                    self._add(f"docstring-{split}", f"{pair['package']} {pair['path']} {pair['name']}", pair["code"])
        # Without the shingles most targets share: they find no candidate.
        self.index = ShingleIndex([target for _, _, target in self.targets], common=20)
        self.digest = evaluation_digest(repo)

    def _add(self, set_name, label, code):
        target = shingles(code)
        if target:
            self.targets.append((set_name, label, target))
            self.counts[set_name] = self.counts.get(set_name, 0) + 1

    def target_of(self, code):
        """The label of the evaluation target `code` nearly duplicates, or None."""
        copied = self.index.copied(code, candidates=5)
        return f"{self.targets[copied[0]][0]}: {self.targets[copied[0]][1]}" if copied else None

    def summary(self, dropped):
        return {"shingle_tokens": SHINGLE, "containment": CONTAINMENT, "targets": self.counts,
                "evaluation_files": DIGEST_FILES, "evaluation_digest": self.digest, "dropped": dropped}
