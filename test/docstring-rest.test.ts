/**
 * tools/train/docstring_rest.py: a Python pair written again with its docstring's rest (after the first
 * paragraph, which holds the query) in the document, found in an extracted Debian package by the path
 * corpus.py recorded; a docstring with too little after its summary, or a pair whose code no longer
 * matches its source, gives nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'c2llm-docstring-rest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SOURCE = [
  'class Cache:',
  '    def evict(self, key):',
  '        """Drop one entry from the cache.',
  '',
  '        The entry is written back first when it is dirty, so nothing',
  '        a caller stored is lost.',
  '        """',
  '        self.flush(key)',
  '        del self.entries[key]',
  '',
  '    def clear(self):',
  '        """Drop every entry.',
  '',
  '        Fast.',
  '        """',
  '        self.entries = {}',
  '        self.size = 0',
  '',
].join('\n');

test('the document keeps the docstring after its summary, and only where that says enough', () => {
  const installed = '/usr/lib/python3/dist-packages/cachex/core.py';
  const file = join(work, 'debian', 'python3-cachex_1.0-1', installed);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, SOURCE);
  const pair = (name: string, query: string, code: string) => ({ lang: 'python', package: 'python:cachex', path: installed, name, query, code });
  const pairs = [
    pair('evict', 'Drop one entry from the cache', 'def evict(self, key):\n    self.flush(key)\n    del self.entries[key]\n'),
    pair('clear', 'Drop every entry', 'def clear(self):\n    self.entries = {}\n    self.size = 0\n'),
    pair('evict', 'Drop one entry', 'def evict(self, key):\n    pass\n'),
    { ...pair('other', 'Parse a line', 'def other():\n    return 1\n'), lang: 'go' },
  ];
  mkdirSync(join(work, 'corpus'));
  writeFileSync(join(work, 'corpus', 'train.jsonl'), pairs.map((p) => JSON.stringify(p) + '\n').join(''));
  const run = spawnSync('python3', ['tools/train/docstring_rest.py', join(work, 'corpus'), join(work, 'debian'), join(work, 'out')], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const written = readFileSync(join(work, 'out', 'train.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ReturnType<typeof pair>);
  expect(written).toEqual([
    {
      ...pairs[0],
      code: 'def evict(self, key):\n    """\n    The entry is written back first when it is dirty, so nothing\n    a caller stored is lost.\n    """\n    self.flush(key)\n    del self.entries[key]\n',
    },
  ]);
});
