import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { chunkFile, searchedText } from '../src/search/chunker';
import { decodeText, isMinified, languageOf, MINIFIED_MEAN_LINE, skipByPath } from '../src/search/corpus';

const python = `import os


@cache
def fibonacci(n):
    if n < 2:
        return n
    return fibonacci(n - 1) + fibonacci(n - 2)


class Stack:
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)
`;

const typescript = `import { x } from './x';

export function add(a: number, b: number): number {
  const s = "}";
  return a + b; // }
}

export class Counter {
  private n = 0;
  increment() {
    this.n++;
  }
}
`;

describe('chunkFile', () => {
  test('Python: whole functions and classes, decorators kept with their function', () => {
    const chunks = chunkFile('m.py', python, { mergeLines: 1 });
    expect(chunks.map((c) => [c.startLine, c.endLine])).toEqual([[1, 1], [4, 8], [11, 16]]);
    expect(chunks[1].text.startsWith('@cache\ndef fibonacci')).toBe(true);
  });

  test('TypeScript: brace depth finds declarations, braces in strings and comments ignored', () => {
    const chunks = chunkFile('m.ts', typescript, { mergeLines: 1 });
    expect(chunks.map((c) => [c.startLine, c.endLine])).toEqual([[1, 1], [3, 6], [8, 13]]);
  });

  test('Go and Rust', () => {
    const go = 'package main\n\nfunc a() int {\n\treturn 1\n}\n\nfunc b() {\n}\n';
    expect(chunkFile('a.go', go, { mergeLines: 1 }).map((c) => c.startLine)).toEqual([1, 3, 7]);
    const rust = 'fn a() -> u32 {\n    1\n}\n\nimpl S {\n    fn b(&self) {}\n}\n';
    expect(chunkFile('a.rs', rust, { mergeLines: 1 }).map((c) => [c.startLine, c.endLine])).toEqual([[1, 3], [5, 7]]);
  });

  test('Perl, Terraform and Protocol Buffers by brace depth; Bazel files by indentation, as Python', () => {
    const perl = 'package Foo;\nuse strict;\n\nsub parse {\n    my ($text) = @_;\n    return { date => $text };\n}\n\nsub dump {\n}\n1;\n';
    expect(chunkFile('lib/Foo.pm', perl, { mergeLines: 1 }).map((c) => [c.startLine, c.endLine])).toEqual([[1, 1], [2, 2], [4, 7], [9, 10], [11, 11]]);
    const terraform = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n\nvariable "region" {\n  default = "eu-west-1"\n}\n';
    expect(chunkFile('main.tf', terraform, { mergeLines: 1 }).map((c) => [c.startLine, c.endLine])).toEqual([[1, 3], [5, 7]]);
    const proto = 'syntax = "proto3";\n\nmessage User {\n  string name = 1;\n}\n\nservice Users {\n  rpc Get(User) returns (User);\n}\n';
    expect(chunkFile('user.proto', proto, { mergeLines: 1 }).map((c) => c.startLine)).toEqual([1, 3, 7]);
    const bazel = 'load("//:defs.bzl", "x")\n\ndef _impl(ctx):\n    return []\n\ncc_library(\n    name = "re",\n)\n';
    expect(chunkFile('BUILD.bazel', bazel, { mergeLines: 1 }).map((c) => c.startLine)).toEqual([1, 3, 6]);
  });

  test("a Jupyter notebook: its code cells cut as Python, at the notebook file's own lines; outputs, metadata and Markdown cells not read", () => {
    const cell = (type: string, source: string[], outputs: unknown[] = []) => ({ cell_type: type, metadata: {}, ...(type === 'code' ? { execution_count: 1, outputs } : {}), source });
    const png = { data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {}, output_type: 'display_data' };
    const notebook = {
      cells: [
        cell('markdown', ['# Sales\n', 'Load the data.']),
        cell('code', ['import pandas as pd\n', 'df = pd.read_csv("sales.csv")']),
        cell('code', ['def monthly_totals(frame):\n', '    """Sum sales by month."""\n', '    return frame.groupby("month").total.sum()\n', '\n', 'monthly_totals(df).plot()'], [png]),
        cell('code', []),
      ],
      metadata: { kernelspec: { language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const file = `${JSON.stringify(notebook, null, 1)}\n`; // as Jupyter writes it: one item a line
    const lineOf = (text: string) => file.split('\n').findIndex((line) => line.includes(text)) + 1;
    const chunks = chunkFile('analysis/sales.ipynb', file);
    expect(chunks.map((c) => [c.startLine, c.endLine])).toEqual([[lineOf('import pandas'), lineOf('read_csv')], [lineOf('def monthly_totals'), lineOf('.plot()')]]);
    expect(chunks[1].text).toBe('def monthly_totals(frame):\n    """Sum sales by month."""\n    return frame.groupby("month").total.sum()\n\nmonthly_totals(df).plot()');
    expect(chunks.some((c) => /iVBOR|Load the data|"cells"/.test(c.text))).toBe(false);
    // A notebook whose cells cannot all be placed (a source written as one string) is read as its text.
    const oneString = JSON.stringify({ ...notebook, cells: [{ ...notebook.cells[1], source: 'import pandas as pd\ndf = 1' }] }, null, 1);
    expect(chunkFile('a.ipynb', oneString)[0].text.startsWith('{')).toBe(true);
    expect(chunkFile('a.ipynb', 'not json')[0].text).toBe('not json');
  });

  test('Markdown and MDX: a section per heading, headings inside fenced code not counted', () => {
    const doc = '# Title\nIntro.\n\n## Install\n```sh\n# not a heading\nnpm i x\n```\n\n## Use\n~~~\n## neither\n~~~\nText.\n';
    expect(chunkFile('README.md', doc, { mergeLines: 1 }).map((c) => [c.startLine, c.endLine])).toEqual([[1, 2], [4, 8], [10, 14]]);
    expect(chunkFile('docs/page.mdx', doc, { mergeLines: 1 })[1].text.startsWith('## Install')).toBe(true);
  });

  test('Markdown: each chunk carries the headings it sits under as context, which the model and BM25 read before its text', () => {
    const doc = '# Guide\nIntro.\n\n## Install ##\nRun it.\n\n### From npm\nnpm i x\n\n```\n# a comment\n```\n\n## Use\n' + Array.from({ length: 70 }, (_, i) => `step ${i}`).join('\n') + '\n\n# Other\nEnd.\n';
    const chunks = chunkFile('docs/guide.md', doc, { mergeLines: 1, maxLines: 60, overlapLines: 10 });
    expect(chunks.map((c) => [c.startLine, c.context])).toEqual([
      [1, undefined],
      [4, 'Guide'],
      [7, 'Guide > Install'],
      [14, 'Guide'],
      [64, 'Guide > Use'],
      [86, undefined],
    ]);
    expect(searchedText(chunks[2])).toBe('Guide > Install\n### From npm\nnpm i x\n\n```\n# a comment\n```');
    expect(searchedText(chunks[0])).toBe(chunks[0].text);
    expect(chunkFile('a.py', 'def f():\n    return 1\n')[0].context).toBeUndefined();
  });

  test('small neighbours merge; long pieces become overlapping windows', () => {
    expect(chunkFile('m.py', python).length).toBeLessThan(3);
    const long = Array.from({ length: 130 }, (_, i) => `line ${i}`).join('\n');
    const chunks = chunkFile('notes.md', long, { maxLines: 60, overlapLines: 10 });
    expect(chunks.map((c) => [c.startLine, c.endLine])).toEqual([[1, 60], [51, 110], [101, 130]]);
  });

  test("every line that is not blank is in a chunk (chunk-kind.ts reads a comment's state across the blank lines between chunks)", () => {
    const goDoc = '// Copyright.\n\n/*\nPackage mux routes.\n\nIt matches:\n\n\tr := mux.NewRouter()\n*/\npackage mux\n\nfunc A() {}\n';
    const files: [string, string][] = [
      ['m.py', python],
      ['m.ts', typescript],
      ['doc.go', goDoc],
      ...['src/search', 'tools/train', 'shaders'].flatMap((dir) => readdirSync(dir).filter((f) => /\.(ts|py|wgsl)$/.test(f)).map((f): [string, string] => [f, readFileSync(join(dir, f), 'utf8')])),
    ];
    for (const options of [{}, { mergeLines: 1, maxLines: 25, overlapLines: 5 }]) {
      for (const [path, content] of files) {
        const covered = new Set(chunkFile(path, content, options).flatMap((c) => Array.from({ length: c.endLine - c.startLine + 1 }, (_, i) => c.startLine + i)));
        const missed = content.split('\n').flatMap((line, i) => (line.trim() !== '' && !covered.has(i + 1) ? [i + 1] : []));
        expect(missed, path).toEqual([]);
      }
    }
  });

  test('empty and whitespace-only files give no chunks; CRLF is handled', () => {
    expect(chunkFile('e.py', '')).toEqual([]);
    expect(chunkFile('e.py', '\n  \n')).toEqual([]);
    expect(chunkFile('w.py', 'def f():\r\n    return 1\r\n')[0]).toEqual({ startLine: 1, endLine: 2, text: 'def f():\n    return 1' });
  });
});

describe('corpus filters', () => {
  test.each([
    ['src/app.ts', 100, undefined],
    ['node_modules/x/index.js', 100, 'folder'],
    ['a/.git/config', 100, 'folder'],
    ['vendor/lib.go', 100, 'folder'],
    ['package-lock.json', 100, 'lock file'],
    ['web/app.min.js', 100, 'minified'],
    ['logo.png', 100, 'not code'],
    ['Makefile', 100, undefined],
    ['docker/Dockerfile.dev', 100, undefined],
    ['CMakeLists.txt', 100, undefined],
    ['notes.txt', 100, 'not code'],
    ['Makefile.am', 100, 'not code'],
    ['infra/main.tf', 100, undefined],
    ['notebooks/eda.ipynb', 3 * 1024 * 1024, undefined], // a notebook's outputs are most of its bytes
    ['notebooks/eda.ipynb', 5 * 1024 * 1024, 'too large'],
    ['big.py', 10_000_000, 'too large'],
    ['src/bell\u0007.py', 100, 'unusual name'], // an index may not hold it: a page's file input hands it over
    ['src/lossy-\uFFFD.py', 100, 'unusual name'],
  ])('%s', (path, bytes, reason) => expect(skipByPath(path, bytes)).toBe(reason));

  test.each([
    ['src/app.ts', 'typescript'],
    ['lib/Foo/Bar.pm', 'perl'],
    ['infra/main.tf', 'hcl'],
    ['api/user.proto', 'protobuf'],
    ['ios/View.mm', 'objective-c'],
    ['Makefile', 'make'],
    ['rules.mk', 'make'],
    ['docker/Dockerfile.dev', 'dockerfile'],
    ['CMakeLists.txt', 'cmake'],
    ['BUILD.bazel', 'starlark'],
    ['Rakefile', 'ruby'],
    ['notebooks/eda.ipynb', 'python'],
    ['README', ''],
    ['notes.txt', ''],
    ['.bashrc', ''],
  ])('%s is read as %j', (path, language) => expect(languageOf(path)).toBe(language));

  test('binary content is detected; text in UTF-16 or a legacy encoding is read', () => {
    expect(decodeText(new TextEncoder().encode('const x = "é";'))).toBe('const x = "é";');
    expect(decodeText(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 1]))).toBeUndefined();
    // Not UTF-8: text in a legacy encoding (a Latin-1 comment) is read as Windows-1252; bytes that no text holds are binary.
    expect(decodeText(Uint8Array.from([...new TextEncoder().encode('# Auteur : Fran'), 0xe7, ...new TextEncoder().encode('ois\nx = 1\n')]))).toBe('# Auteur : François\nx = 1\n');
    expect(decodeText(Uint8Array.from([0x61, 0xff, 0x03, 0x62]))).toBeUndefined();
    // UTF-16 with its byte order mark, as Windows editors save it, either way round.
    const utf16le = Uint8Array.from([0xff, 0xfe, ...[...'int x;'].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(decodeText(utf16le)).toBe('int x;');
    expect(decodeText(Uint8Array.from([0xfe, 0xff, ...[...'int x;'].flatMap((c) => [0, c.charCodeAt(0)])]))).toBe('int x;');
    expect(decodeText(utf16le.subarray(0, 5))).toBeUndefined(); // cut mid-character
  });

  test('JavaScript and CSS are minified by content when their lines average over MINIFIED_MEAN_LINE characters', () => {
    const longLines = `${'x'.repeat(MINIFIED_MEAN_LINE + 1)}\n`.repeat(3).slice(0, -1);
    const code = 'function add(a, b) {\n  return a + b;\n}\n';
    expect(isMinified('web/app.js', longLines)).toBe(true);
    expect(isMinified('web/site.css', longLines)).toBe(true);
    expect(isMinified('web/app.js', code)).toBe(false);
    expect(isMinified('web/app.js', `${'x'.repeat(MINIFIED_MEAN_LINE)}\n${'x'.repeat(MINIFIED_MEAN_LINE)}`)).toBe(false);
    expect(isMinified('web/app.js', `${'x'.repeat(MINIFIED_MEAN_LINE + 1)}\n`)).toBe(true); // one long line and its final newline
    expect(isMinified('src/table.py', longLines)).toBe(false); // other languages' long lines are data or prose, not minification
    expect(isMinified('README.md', longLines)).toBe(false);
  });
});
