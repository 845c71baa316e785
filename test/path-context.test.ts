/**
 * tools/train/path_context.py: each training document starts with its file's path as an index of its
 * library would hold it (the install folder and the library's root folders cut), and nothing else of
 * the pair changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'c2llm-path-context-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cases: [lang: string, pkg: string, path: string, expected: string][] = [
  ['rust', 'rust:clap-4.0.32', '/usr/share/cargo/registry/clap-4.0.32/src/builder/arg.rs', 'src/builder/arg.rs'],
  ['go', 'go:github.com/go-chi/chi', '/usr/share/gocode/src/github.com/go-chi/chi/middleware/throttle.go', 'middleware/throttle.go'],
  ['python', 'python:requests', '/usr/lib/python3/dist-packages/requests/sessions.py', 'requests/sessions.py'],
  ['python', 'python:stdlib/shutil', '/usr/lib/python3.11/shutil.py', 'shutil.py'],
  ['typescript', 'typescript:@lumino/widgets', '/usr/share/nodejs/@lumino/widgets/src/widget.ts', 'src/widget.ts'],
  ['javascript', 'javascript:lodash', 'lodash/_baseToNumber.js', '_baseToNumber.js'],
  ['java', 'java:java.base/java/io', 'java.base/java/io/FileOutputStream.java', 'java/io/FileOutputStream.java'],
  ['cpp', 'cpp:boost/thread', '/usr/include/boost/thread/strict_lock.hpp', 'boost/thread/strict_lock.hpp'],
  ['c', 'c:linux-source-6.1/lib', '/usr/src/linux-source-6.1/lib/radix-tree.c', 'lib/radix-tree.c'],
  ['ruby', 'ruby:root', 'csv.rb', 'csv.rb'],
  ['javascript', 'javascript:readme/node-big.js', '/usr/share/doc/node-big.js/README.md.gz', 'README.md'],
];

test('documents start with their path within the library, the rest of each pair unchanged', () => {
  const pairs = cases.map(([lang, pkg, path], i) => ({ lang, package: pkg, path, name: `f${i}`, query: `query ${i}`, code: `code ${i}\n` }));
  const source = join(work, 'in.jsonl');
  const out = join(work, 'out.jsonl');
  writeFileSync(source, pairs.map((p) => JSON.stringify(p) + '\n').join(''));
  const run = spawnSync('python3', ['tools/train/path_context.py', source, out], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const written = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as (typeof pairs)[number]);
  expect(written.map((p) => p.code.split('\n')[0])).toEqual(cases.map((c) => c[3]));
  expect(written.map((p) => ({ ...p, code: p.code.slice(p.code.indexOf('\n') + 1) }))).toEqual(pairs);
});
