/**
 * No evaluation codebase in the training data: the committed manifests of the training corpora
 * (tools/train/corpus-manifest.json, the corpus tools/train/corpus.py builds today, which phases 5 and 6
 * of C2LLM-nano read, and tools/train/corpus-manifest-phase4.json, phase 4's, built before corpus.py read
 * C, C++ and README examples; the shipped model averages phases 4 to 6) against every evaluation set:
 * the code-search validation set (../shared/eval/nl-validation), this project's code-search test set
 * (eval/nl-test) and the docstring test and validation pools (eval/data: the splits, and the Rust and
 * JavaScript of the wider corpus's validation split, which tools/train/validation_languages.py cleared of
 * near-copies in training when it wrote it). Fails when an evaluation
 * codebase is not on the corpus builder's exclusion list, when the manifest was made with another list,
 * when a package of the training split is an evaluation package or lies in an evaluation codebase's
 * folders (googletest's headers as well as its sources), or when the corpus builder's
 * near-duplicate check (tools/train/near_duplicates.py: a training document whose 5-token shingles
 * are at least 80% in one evaluation file or docstring test pair is dropped) was not made against
 * today's evaluation sets.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const json = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

interface Excluded {
  readonly id: string;
  readonly set: string;
  readonly npm?: string;
  readonly root?: string;
  /** Further folders where the same codebase is installed in parts (googletest's headers). */
  readonly also?: readonly string[];
  readonly python?: string;
}
interface NearDuplicateCheck {
  readonly targets: Record<string, number>;
  readonly evaluation_files: readonly string[];
  readonly evaluation_digest: string;
  readonly dropped: readonly { package: string; near: string }[];
}
interface Manifest {
  readonly npm: Record<string, string>;
  readonly near_duplicates: NearDuplicateCheck;
  readonly excluded: readonly string[];
  readonly train_packages: readonly string[];
}
interface Codebase {
  readonly id: string;
  readonly source: string;
}

const excluded = json<{ codebases: Excluded[] }>('tools/train/evaluation-codebases.json').codebases;
const manifests: [string, Manifest][] = ['tools/train/corpus-manifest.json', 'tools/train/corpus-manifest-phase4.json'].map((file) => [file, json<Manifest>(file)]);
const sets: [string, Codebase[]][] = [
  ['nl-validation', json<Codebase[]>('../shared/eval/nl-validation/codebases.json')],
  ['nl-test', json<Codebase[]>('eval/nl-test/codebases.json')],
];
const packagesOf = (file: string) => new Set(readFileSync(join(ROOT, file), 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { package: string }).package));

test.each(sets)('every codebase of %s is on the corpus builder\'s exclusion list, with its source', (set, codebases) => {
  for (const codebase of codebases) {
    const entry = excluded.find((e) => e.id === codebase.id && e.set === set);
    expect(entry, codebase.id).toBeDefined();
    const [kind, name] = codebase.source.split(':');
    if (kind === 'npm') expect(entry!.npm, codebase.id).toBe(name.replace(/@[^@/]*$/, ''));
    else expect(entry!.root, codebase.id).toMatch(/^\//);
  }
});

describe.each(manifests)('no evaluation codebase in the training corpus of %s', (_, manifest) => {
  test('the committed manifest was made with today\'s exclusion list', () => {
    expect([...manifest.excluded].sort()).toEqual(excluded.map((e) => e.id).sort());
  });

  test('no npm package of the corpus is an evaluation codebase', () => {
    const evaluation = new Set(excluded.flatMap((e) => (e.npm ? [e.npm] : [])));
    expect(Object.keys(manifest.npm).filter((name) => evaluation.has(name))).toEqual([]);
  });

  test('no package of the training split is a Python evaluation codebase or a package of a docstring test or validation pool', () => {
    const python = new Set(excluded.flatMap((e) => (e.python ? [`python:${e.python}`] : [])));
    const held = new Set(['test.jsonl', 'validation.jsonl', 'validation-rust-javascript.jsonl'].flatMap((file) => [...packagesOf(`eval/data/${file}`)]));
    expect(held.size).toBeGreaterThan(50);
    expect(manifest.train_packages.length).toBeGreaterThan(500);
    expect(manifest.train_packages.filter((p) => python.has(p) || held.has(p))).toEqual([]);
  });

  test('no library of the training split lies in an evaluation codebase\'s folders', () => {
    // Where corpus.py finds libraries: a library is named by its path under one of these folders.
    const libraryFolders = ['/usr/share/gocode/src/', '/usr/share/cargo/registry/', '/usr/share/rubygems-integration/all/gems/', '/usr/share/php/', '/usr/lib/python3/dist-packages/', '/usr/include/'];
    const inside = excluded.flatMap((e) => [e.root, ...(e.also ?? [])]).flatMap((folder) => {
      const under = libraryFolders.find((prefix) => folder?.startsWith(prefix));
      return under ? [folder!.slice(under.length).replace(/\/$/, '')] : [];
    });
    expect(inside).toEqual(expect.arrayContaining(['github.com/go-chi/chi', 'clap-4.0.32', 'gtest', 'gmock']));
    const leaked = manifest.train_packages.filter((p) => {
      const library = p.slice(p.indexOf(':') + 1);
      return inside.some((folder) => library === folder || library.startsWith(`${folder}/`));
    });
    expect(leaked).toEqual([]);
  });

  test('the near-duplicate check ran against today\'s evaluation sets, every one of them', () => {
    const check = manifest.near_duplicates;
    // The same digest as near_duplicates.py's evaluation_digest: each file's name, length and bytes.
    const digest = createHash('sha256');
    for (const name of check.evaluation_files) {
      const data = readFileSync(join(ROOT, name));
      digest.update(`${name}\n${data.length}\n`);
      digest.update(data);
    }
    expect(check.evaluation_files).toEqual(expect.arrayContaining(['../shared/eval/nl-validation/queries.jsonl', 'eval/nl-test/queries.jsonl', 'eval/data/test.jsonl']));
    expect(check.evaluation_digest).toBe(digest.digest('hex'));
    for (const set of ['nl-validation', 'nl-test', 'docstring-test', 'docstring-validation']) expect(check.targets[set], set).toBeGreaterThan(100);
    for (const entry of check.dropped) expect(entry.near).toMatch(/^(nl-validation|nl-test|docstring-test|docstring-validation): /);
  });
});
