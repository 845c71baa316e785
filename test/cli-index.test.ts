/**
 * `c2llm index`, `c2llm search`, `c2llm merge` and `c2llm split` as other tools use them: the search JSON's
 * exact form, shards merging into the single build's bytes, `--update` embedding only what changed, the
 * split layout's folder searched as the file is, and one-line
 * errors for a user's mistakes. The model is the bundled C2LLM-nano (no --model), on the cpu device.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { writeFolder } from './helpers/fixtures';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'c2llm-index-'));

function c2llm(args: string[], input = '') {
  const result = spawnSync('node', [join(ROOT, 'bin', 'c2llm.js'), ...args], { encoding: 'utf8', timeout: 300_000, input });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const FILES: Record<string, string> = {
  'cache/lru.py': 'class LRUCache:\n    def __init__(self, capacity):\n        self.capacity = capacity\n        self.items = OrderedDict()\n\n    def get(self, key):\n        self.items.move_to_end(key)\n        return self.items[key]\n',
  'strings/reverse.go': 'package strings\n\nfunc Reverse(s string) string {\n\tr := []rune(s)\n\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {\n\t\tr[i], r[j] = r[j], r[i]\n\t}\n\treturn string(r)\n}\n',
  'web/debounce.ts': 'export function debounce(fn: () => void, ms: number) {\n  let timer: ReturnType<typeof setTimeout> | undefined;\n  return () => {\n    clearTimeout(timer);\n    timer = setTimeout(fn, ms);\n  };\n}\n',
  'math/gcd.rs': 'pub fn gcd(mut a: u64, mut b: u64) -> u64 {\n    while b != 0 {\n        let t = b;\n        b = a % b;\n        a = t;\n    }\n    a\n}\n',
  'node_modules/skip/index.js': 'module.exports = 1;\n',
};

const makeFolder = (name: string, files: Record<string, string>): string => writeFolder(join(work, name), files);

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build:cli'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
});

describe('c2llm index / search / merge', () => {
  const folder = makeFolder('corpus', FILES);
  const index = join(work, 'corpus.c2idx');
  writeFileSync(join(work, 'blank-queries.json'), JSON.stringify(['reverse a string', '  ']));

  test('index then search --queries prints exactly {"results": [[{path, startLine, endLine, score}]]}', () => {
    const built = c2llm(['index', folder, '-o', index, '--device', 'cpu']);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/4 files \(0 skipped\), \d+ chunks to embed, 0 files unchanged/);
    const queries = join(work, 'queries.json');
    writeFileSync(queries, JSON.stringify(['reverse a string', 'gcd of two numbers']));
    for (const mode of ['hybrid', 'dense', 'lexical']) {
      const { code, stdout, stderr } = c2llm(['search', '--index', index, '--queries', queries, '--k', '2', '--mode', mode, '--device', 'cpu']);
      expect(code, stderr).toBe(0);
      const out = JSON.parse(stdout);
      expect(Object.keys(out)).toEqual(['results']);
      expect(out.results).toHaveLength(2);
      // BM25 lists only files sharing a word with the query, and "a" (gcd.rs's `a: u64`) is no such word.
      expect(out.results.map((list: unknown[]) => list.length)).toEqual(mode === 'lexical' ? [1, 2] : [2, 2]);
      for (const list of out.results) {
        for (const r of list) expect(Object.keys(r)).toEqual(['path', 'startLine', 'endLine', 'score']);
        expect(list[0].score).toBeGreaterThanOrEqual(list.at(-1).score);
      }
      expect(out.results[0][0]).toMatchObject({ path: 'strings/reverse.go', startLine: 1, endLine: 9 });
      if (mode === 'lexical') expect(out.results[1][0].path).toBe('math/gcd.rs');
    }
    const readable = c2llm(['search', '--index', index, '--query', 'reverse a string', '--k', '1', '--device', 'cpu']);
    expect(readable.stdout).toMatch(/^reverse a string\n {2}1\. strings\/reverse\.go:1-9/);
    // The short form, as `c2llm index <folder>` takes its folder.
    const short = c2llm(['search', index, 'reverse a string', '--k', '1', '--device', 'cpu']);
    expect(short.code, short.stderr).toBe(0);
    expect(short.stdout).toBe(readable.stdout);
    const shown = c2llm(['search', '--index', index, '--query', 'move to the end', '--k', '1', '--mode', 'lexical']);
    expect(shown.stdout, shown.stderr).toMatch(/^move to the end\n {2}1\. cache\/lru\.py:1-8 .*\n {7}7: self\.items\.move_to_end\(key\)\n$/);
    // A place pasted from a stack trace, its path from elsewhere: that file's chunk, shown from that line.
    const placed = c2llm(['search', '--index', index, '--query', 'File "/home/me/corpus/cache/lru.py", line 7, in get', '--k', '1', '--device', 'cpu']);
    expect(placed.stdout, placed.stderr).toMatch(/^File .*\n {2}1\. cache\/lru\.py:1-8 .*\n {7}7: self\.items\.move_to_end\(key\)\n$/);
    const none = c2llm(['search', '--index', index, '--query', 'zebra quartz', '--mode', 'lexical']);
    expect(none.stdout).toBe('zebra quartz\n  no results: no chunk holds a word of the query\n');
    // --vimgrep: one line a result, as grep -n and ripgrep's --vimgrep print a match (the line shown, the column where its code begins).
    const grep = c2llm(['search', '--index', index, '--query', 'move to the end', '--k', '2', '--mode', 'lexical', '--vimgrep']);
    expect(grep.code, grep.stderr).toBe(0);
    expect(grep.stdout).toBe('cache/lru.py:7:9:        self.items.move_to_end(key)\n');
    const grepNone = c2llm(['search', '--index', index, '--query', 'zebra quartz', '--mode', 'lexical', '--vimgrep']);
    expect([grepNone.code, grepNone.stdout, grepNone.stderr]).toEqual([0, '', 'no results: no chunk holds a word of the query\n']);
    const both = c2llm(['search', '--index', index, '--queries', queries, '--vimgrep']);
    expect([both.code, both.stderr]).toEqual([1, "c2llm: --vimgrep lists one query's results; --queries writes JSON: choose one\n"]);
    // --context: lines of the chunk around the line shown, numbered as grep -C numbers them, the chunk's indentation taken off; never past the chunk.
    const around = c2llm(['search', '--index', index, '--query', 'move to the end', '--k', '1', '--mode', 'lexical', '--context', '2']);
    expect(around.stdout, around.stderr).toBe('move to the end\n  1. cache/lru.py:1-8  (' + shown.stdout.split('(')[1].split(')')[0] + ')\n       5-\n       6- def get(self, key):\n       7:     self.items.move_to_end(key)\n       8-     return self.items[key]\n');
    expect(c2llm(['search', index, 'move to the end', '-k', '1', '--mode', 'lexical', '-C', '2']).stdout).toBe(around.stdout);
    const noContext = c2llm(['search', '--index', index, '--query', 'move to the end', '--k', '2', '--mode', 'lexical', '--context', '2', '--vimgrep']);
    expect([noContext.code, noContext.stderr]).toEqual([1, 'c2llm: --context shows lines in the listing; --vimgrep prints none: choose one\n']);
    expect(c2llm(['search', '--index', index, '--query', 'x', '--context', '0']).stderr).toBe('c2llm: --context must be a positive integer (lines), got "0"\n');
  });

  test('with the index alone, queries come one a line on stdin, each answered as it is read: the listing, a line of JSON, or --vimgrep lines; no query at all is a one-line error', () => {
    const single = (query: string, flags: string[]) => c2llm(['search', index, query, '--k', '2', '--device', 'cpu', ...flags]).stdout;
    const listed = c2llm(['search', index, '--k', '2', '--device', 'cpu'], 'reverse a string\n\n  \ngcd of two numbers\n');
    expect([listed.code, listed.stdout]).toEqual([0, `${single('reverse a string', [])}\n${single('gcd of two numbers', [])}`]);
    expect(listed.stderr).toMatch(/c2llm: \d+ chunks; one query a line, to the end of the input \(Ctrl-D\)\n/);
    const json = c2llm(['search', index, '--k', '2', '--json', '--device', 'cpu'], 'reverse a string\ngcd of two numbers');
    expect(json.stdout).toBe(`${single('reverse a string', ['--json'])}${single('gcd of two numbers', ['--json'])}`);
    expect(json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).results[0][0].path)).toEqual(['strings/reverse.go', 'math/gcd.rs']);
    const grep = c2llm(['search', '--index', index, '--k', '1', '--vimgrep', '--device', 'cpu'], 'reverse a string\ngcd of two numbers\n');
    expect(grep.stdout).toBe(`${single('reverse a string', ['--vimgrep']).split('\n')[0]}\n${single('gcd of two numbers', ['--vimgrep']).split('\n')[0]}\n`);
    const none = c2llm(['search', index, '--device', 'cpu'], '\n \n');
    expect([none.code, none.stderr.split('\n').at(-2)]).toEqual([1, `c2llm: no query was given: c2llm search ${index} "<query>", --queries <file.json>, or one query a line on stdin`]);
  });

  test('--language (as the index lists it or as people call it) and --folder keep one language or folder before ranking, the split folder as the file; a language the index lacks is a one-line error', () => {
    const split = join(work, 'corpus-split');
    expect(c2llm(['split', index, '--output', split]).code).toBe(0);
    for (const source of [index, split]) {
      // "reverse a string" ranks strings/reverse.go first; kept to Rust or to math/, gcd.rs is the answer.
      for (const flags of [['--language', 'rust'], ['--language', 'Rust'], ['--folder', 'math/'], ['--folder', '/math']]) {
        const { code, stdout, stderr } = c2llm(['search', '--index', source, '--query', 'reverse a string', '--json', '--device', 'cpu', ...flags]);
        expect(code, stderr).toBe(0);
        expect(JSON.parse(stdout).results[0].map((r: { path: string }) => r.path)).toEqual(['math/gcd.rs']);
      }
      const none = c2llm(['search', '--index', source, '--query', 'reverse a string', '--folder', 'vendor/', '--language', 'go', '--device', 'cpu']);
      expect(none.stdout).toBe('reverse a string\n  no results: no file of the index is in go under vendor/\n');
      const called = c2llm(['search', '--index', source, '--query', 'gcd', '--json', '--mode', 'lexical', '--language', 'golang']);
      expect([called.code, JSON.parse(called.stdout).results[0].map((r: { path: string }) => r.path)]).toEqual([0, []]);
      expect(c2llm(['search', '--index', source, '--query', 'gcd', '--language', 'TS', '--mode', 'lexical']).stdout).toBe('gcd\n  no results: no chunk in typescript holds a word of the query\n');
      const lacking = c2llm(['search', '--index', source, '--query', 'gcd', '--language', 'c++']);
      expect(lacking.stderr).toBe('c2llm: --language c++ (cpp): the index holds no such files; its languages are go, python, rust, typescript\n');
      const wrong = c2llm(['search', '--index', source, '--query', 'reverse a string', '--language', 'kotlin']);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toBe('c2llm: --language kotlin: the index holds no such files; its languages are go, python, rust, typescript\n');
    }
  });

  test('a language the query names keeps that language and leaves the query, and the listing says so; --language, quotes or a language the index lacks leave the words', () => {
    const named = c2llm(['search', '--index', index, '--query', 'reverse a string in rust', '--k', '1', '--device', 'cpu']);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toMatch(/^reverse a string in rust\n {2}\(searched in rust, as the query names; --language chooses another, quotes keep the words\)\n {2}1\. math\/gcd\.rs:/);
    const json = (query: string, ...flags: string[]) => {
      const { code, stdout, stderr } = c2llm(['search', '--index', index, '--query', query, '--json', '--device', 'cpu', ...flags]);
      expect(code, stderr).toBe(0);
      expect(stderr.includes('searched in rust, as the query names'), stderr).toBe(query.endsWith('in rust') && flags.length === 0);
      return JSON.parse(stdout).results[0].map((r: { path: string }) => r.path);
    };
    expect(json('reverse a string in rust')).toEqual(['math/gcd.rs']);
    expect(json('reverse a string in rust', '--language', 'go')[0]).toBe('strings/reverse.go');
    expect(json('reverse a string "in rust"')[0]).toBe('strings/reverse.go');
    expect(json('reverse a string in kotlin')[0]).toBe('strings/reverse.go');
  });

  test('--files lists each file once, by its best chunk, k files whatever their chunks', () => {
    const body = (name: string) => [`def ${name}(text):`, '    """Parse a date."""', ...Array.from({ length: 16 }, (_, i) => `    step_${i} = text  # parse date`), '    return text', ''];
    const folder = makeFolder('files-corpus', { 'dates/parse.py': [...body('parse_iso'), '', ...body('parse_rfc')].join('\n'), 'other/date.py': body('parse_date').join('\n'), 'other/unrelated.py': 'def add(a, b):\n    return a + b\n' });
    const out = join(work, 'files.c2idx');
    expect(c2llm(['index', folder, '--output', out, '--device', 'cpu']).code).toBe(0);
    const paths = (...flags: string[]) => JSON.parse(c2llm(['search', '--index', out, '--query', 'parse date', '--mode', 'lexical', '--json', ...flags]).stdout).results[0].map((r: { path: string }) => r.path);
    expect(paths('--k', '3')).toEqual(['dates/parse.py', 'dates/parse.py', 'other/date.py']);
    expect(paths('--k', '3', '--files')).toEqual(['dates/parse.py', 'other/date.py']);
    expect(paths('--k', '1', '--files')).toEqual(['dates/parse.py']);
  });

  test("a misspelt word is searched as the index's word one typo from it, and the listing says so; quotes keep the words, and lexical search matches words as typed", () => {
    const search = (query: string, ...flags: string[]) => c2llm(['search', '--index', index, '--query', query, '--k', '1', '--device', 'cpu', ...flags]);
    const note = '(searched as "reverse a string and return it", each misspelt word as the index\'s commonest word one typo away; quotes keep the words)';
    const typo = search('reverse a string and retrun it');
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stdout.split('\n').slice(0, 3)).toEqual(['reverse a string and retrun it', `  ${note}`, expect.stringMatching(/^ {2}1\. strings\/reverse\.go:/)]);
    expect(search('reverse a string and "retrun" it').stdout).not.toMatch(/searched as/);
    expect(search('reverse a string and retrun it', '--mode', 'lexical').stdout).not.toMatch(/searched as/);
    const json = search('reverse a string and retrun it', '--json');
    expect(json.stderr).toContain(note.slice(1, -1));
    expect(JSON.parse(json.stdout).results[0][0].path).toBe('strings/reverse.go');
  });

  test('an empty folder gives an empty index, which says so when searched', () => {
    const empty = join(work, 'empty-folder');
    mkdirSync(empty);
    const out = join(work, 'empty.c2idx');
    const built = c2llm(['index', empty, '--output', out, '--device', 'cpu']);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/wrote .*empty\.c2idx: 0 files, 0 chunks, \d+ KiB\n/);
    const found = c2llm(['search', '--index', out, '--query', 'anything at all', '--device', 'cpu']);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toBe('anything at all\n  no results: the index holds no chunks\n');
  });

  test("a folder the .gitignore, .ignore or the repository's .git/info/exclude leaves out is not entered and is named once; an ignored file is named", () => {
    const ignoring = makeFolder('ignoring', {
      '.gitignore': 'artifacts/\n*.tmp.py\n',
      '.ignore': 'src/vendored/\n',
      '.git/info/exclude': '*.local.py\n',
      'src/db.local.py': 'def local():\n    return 7\n',
      'src/vendored/copy.py': 'def copy():\n    return 6\n',
      'src/keep.py': 'def keep():\n    return 1\n',
      'src/scratch.tmp.py': 'def scratch():\n    return 2\n',
      'artifacts/a.py': 'def a():\n    return 3\n',
      'artifacts/deep/b.py': 'def b():\n    return 4\n',
      'artifacts/bell\u0007.py': 'def bell():\n    return 5\n', // named on stderr as an unusual name if the walk went in
    });
    const built = c2llm(['index', ignoring, '--output', join(work, 'ignoring.c2idx'), '--device', 'cpu']);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/c2llm: skipped \(ignored\): artifacts\/, src\/db\.local\.py, src\/scratch\.tmp\.py, src\/vendored\/\n/);
    expect(built.stderr).toMatch(/c2llm: not entered \(dependency, VCS or build folders\): \.git\/\n/);
    expect(built.stderr).toMatch(/c2llm: 1 files \(6 skipped\)/);
    expect(built.stderr).not.toMatch(/unusual name/);
    // --exclude: patterns as in a .gitignore, relative to the folder, given on the command line; they win over the folder's files.
    const excluded = c2llm(['index', ignoring, '--output', join(work, 'excluded.c2idx'), '--device', 'cpu', '--exclude', 'keep.py', '--exclude', '!artifacts/']);
    expect(excluded.code, excluded.stderr).toBe(0);
    expect(excluded.stderr).toMatch(/c2llm: skipped \(ignored\): src\/db\.local\.py, src\/keep\.py, src\/scratch\.tmp\.py, src\/vendored\/\n/);
    expect(excluded.stderr).toMatch(/unusual name/); // artifacts/, taken back in, is entered now
    expect(excluded.stderr).toMatch(/c2llm: 2 files \(\d+ skipped\)/);
    expect(c2llm(['index', ignoring, '--output', join(work, 'none.c2idx'), '--exclude', ' ']).stderr).toBe('c2llm: --exclude " ": give a pattern of files to leave out (tests/, \'*.pb.go\')\n');
  });

  test('--shard i/N builds that share the files merge into the bytes of the single build', () => {
    const shards = [0, 1].map((i) => {
      const out = join(work, `shard${i}.c2idx`);
      const r = c2llm(['index', folder, '--output', out, '--shard', `${i}/2`, '--device', 'cpu']);
      expect(r.code, r.stderr).toBe(0);
      return out;
    });
    const merged = join(work, 'merged.c2idx');
    const r = c2llm(['merge', ...shards, '--output', merged]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(merged).equals(readFileSync(index))).toBe(true);
  });

  test('--update embeds only the files whose content changed', () => {
    const updating = makeFolder('updating', FILES);
    const out = join(work, 'updating.c2idx');
    expect(c2llm(['index', updating, '--output', out, '--device', 'cpu']).code).toBe(0);
    writeFileSync(join(updating, 'math/gcd.rs'), `${FILES['math/gcd.rs']}\npub fn lcm(a: u64, b: u64) -> u64 {\n    a / gcd(a, b) * b\n}\n`);
    const r = c2llm(['index', updating, '--output', out, '--update', '--device', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/4 files \(0 skipped\), [12] chunks to embed, 3 files unchanged/);
    const found = c2llm(['search', '--index', out, '--query', 'lcm', '--mode', 'lexical', '--json']);
    expect(JSON.parse(found.stdout).results[0][0].path).toBe('math/gcd.rs');
  });

  test('--html reads a built site\'s pages as pages: results carry their heading anchor (file and split folder); --update re-cuts when --html changes', () => {
    const site = makeFolder('site', {
      'docs/deploy.html': '<html><head><script>var x = 1;</script></head><body><nav>Home</nav><main><h1 id="deploy">Deploying</h1>' + '<p>Build the site first.</p>'.repeat(25) + '<h2 id="rollback">Rolling back a release</h2><p>Redeploy the previous release when the new one fails its health checks.</p></main></body></html>\n',
      'src/util.ts': FILES['web/debounce.ts'],
    });
    const queries = join(work, 'html-queries.json');
    writeFileSync(queries, JSON.stringify(['redeploy the previous release']));
    const pages = join(work, 'site.c2idx');
    const built = c2llm(['index', site, '--html', '--output', pages, '--device', 'cpu']);
    expect(built.code, built.stderr).toBe(0);
    const top = JSON.parse(c2llm(['search', '--index', pages, '--queries', queries, '--mode', 'lexical']).stdout).results[0][0];
    expect(top).toMatchObject({ path: 'docs/deploy.html', anchor: 'rollback' });
    expect(Object.keys(top)).toEqual(['path', 'startLine', 'endLine', 'score', 'anchor']);
    const listed = c2llm(['search', '--index', pages, '--query', 'redeploy the previous release', '--mode', 'lexical']);
    expect(listed.stdout).toMatch(/1\. docs\/deploy\.html#rollback:\d+-\d+/);
    const folderOut = join(work, 'site-split');
    expect(c2llm(['index', site, '--html', '--split', '--output', folderOut, '--device', 'cpu']).code).toBe(0);
    const fromFolder = c2llm(['search', '--index', folderOut, '--queries', queries, '--mode', 'lexical']);
    expect(fromFolder.code, fromFolder.stderr).toBe(0);
    expect(JSON.parse(fromFolder.stdout).results[0][0]).toMatchObject({ path: 'docs/deploy.html', anchor: 'rollback' });
    const asSource = c2llm(['index', site, '--output', pages, '--update', '--device', 'cpu']);
    expect(asSource.stderr).toMatch(/another model or chunker; embedding everything/);
    const plain = JSON.parse(c2llm(['search', '--index', pages, '--queries', queries, '--mode', 'lexical']).stdout).results[0][0];
    expect(plain.path).toBe('docs/deploy.html');
    expect(plain.anchor).toBeUndefined();
  });

  test('--split writes a folder that search reads and ranks as the file; c2llm split of the file makes the same folder', () => {
    const folderOut = join(work, 'split-index');
    const built = c2llm(['index', folder, '--split', '--output', folderOut, '--device', 'cpu']);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/wrote .*split-index\/ \(split\): 4 files \(go 1, python 1, rust 1, typescript 1\), \d+ chunks, \d+ files, \d+ KiB in all/);
    expect(readdirSync(folderOut)).toContain('manifest.json');
    const queries = join(work, 'split-queries.json');
    writeFileSync(queries, JSON.stringify(['reverse a string', 'gcd of two numbers', 'debounce a function']));
    for (const mode of ['hybrid', 'dense', 'lexical']) {
      const fromFolder = c2llm(['search', '--index', folderOut, '--queries', queries, '--k', '3', '--mode', mode, '--device', 'cpu']);
      const fromFile = c2llm(['search', '--index', index, '--queries', queries, '--k', '3', '--mode', mode, '--device', 'cpu']);
      expect(fromFolder.code, fromFolder.stderr).toBe(0);
      const paths = (out: string) => JSON.parse(out).results.map((list: { path: string; startLine: number }[]) => list.map((r) => `${r.path}:${r.startLine}`));
      expect(paths(fromFolder.stdout)).toEqual(paths(fromFile.stdout));
    }
    // --probes: every partition probed, dense search over the folder ranks exactly as the file does.
    const dense = (args: string[]) => c2llm(['search', '--index', ...args, '--queries', queries, '--k', '3', '--mode', 'dense', '--device', 'cpu']);
    const allProbed = dense([folderOut, '--probes', '1000']);
    expect(allProbed.code, allProbed.stderr).toBe(0);
    const scoresOf = (out: string) => JSON.parse(out).results.map((list: { path: string; startLine: number; score: number }[]) => list.map((r) => [`${r.path}:${r.startLine}`, r.score.toFixed(5)]));
    expect(scoresOf(allProbed.stdout)).toEqual(scoresOf(dense([index]).stdout));
    expect(dense([index, '--probes', '2']).stderr).toMatch(/--probes is for a split index's folder; .*corpus\.c2idx is one file, which every search reads whole\n$/);
    expect(dense([folderOut, '--probes', '0']).stderr).toMatch(/--probes must be a positive integer, got "0"\n$/);
    const converted = join(work, 'split-converted');
    expect(c2llm(['split', index, '--output', converted]).code).toBe(0);
    expect(readdirSync(converted).sort()).toEqual(readdirSync(folderOut).sort());
    const refused = c2llm(['index', folder, '--split', '--output', join(ROOT, 'src'), '--device', 'cpu']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/src: not empty and not a split index \(no manifest\.json of c2llm's\); name a new or empty folder\n$/);
  });

  test("a folder of code given to search is indexed in memory, nothing written, and ranks as its index file, paths shown under the folder as typed; another tool's manifest.json does not make it an index", () => {
    const queries = join(work, 'folder-queries.json');
    writeFileSync(queries, JSON.stringify(['reverse a string', 'gcd of two numbers', 'debounce a function']));
    const before = readdirSync(folder, { recursive: true }).sort();
    for (const mode of ['hybrid', 'dense', 'lexical']) {
      const fromCode = c2llm(['search', '--index', folder, '--queries', queries, '--k', '3', '--mode', mode, '--device', 'cpu']);
      expect(fromCode.code, fromCode.stderr).toBe(0);
      expect(fromCode.stderr).toMatch(/corpus: a folder of code, not an index: indexing it in memory, nothing written \(to search it again at once: c2llm index ".*corpus" --output code\.c2idx\)\n/);
      // The same results, each path under the folder as typed, as grep -r shows them.
      const fromFile = JSON.parse(c2llm(['search', '--index', index, '--queries', queries, '--k', '3', '--mode', mode, '--device', 'cpu']).stdout);
      expect(JSON.parse(fromCode.stdout).results).toEqual(fromFile.results.map((list: { path: string }[]) => list.map((r) => ({ ...r, path: `${folder}/${r.path}` }))));
    }
    expect(c2llm(['search', `${folder}/`, 'reverse a string', '--k', '1', '--device', 'cpu']).stdout).toMatch(new RegExp(`^reverse a string\n {2}1\\. ${folder}/strings/reverse\\.go:1-9 `));
    const relative = spawnSync('node', [join(ROOT, 'bin', 'c2llm.js'), 'search', 'corpus', 'reverse a string', '--k', '1', '--vimgrep', '--device', 'cpu'], { cwd: work, encoding: 'utf8' });
    expect(relative.stdout).toBe('corpus/strings/reverse.go:3:1:func Reverse(s string) string {\n');
    expect(readdirSync(folder, { recursive: true }).sort()).toEqual(before);
    const excluding = c2llm(['search', folder, 'reverse a string', '--exclude', 'strings/', '--exclude', '*.ts', '--json', '--device', 'cpu']);
    expect(JSON.parse(excluding.stdout).results[0].map((r: { path: string }) => r.path.slice(folder.length + 1)).sort()).toEqual(['cache/lru.py', 'math/gcd.rs']);
    expect(c2llm(['search', index, 'reverse a string', '--exclude', 'strings/']).stderr).toMatch(/--exclude is for a folder of code; the files of the index .*corpus\.c2idx were chosen when it was made \(c2llm index --exclude\)\n$/);
    expect(c2llm(['search', folder, 'reverse a string', '--probes', '2']).stderr).toMatch(/--probes is for a split index's folder; .*corpus is a folder of code, indexed whole\n$/);

    const extension = makeFolder('extension', { 'manifest.json': '{"manifest_version": 3, "name": "reverser"}\n', 'reverse.js': FILES['web/debounce.ts'].replace('debounce', 'reverseWords') });
    const searched = c2llm(['search', extension, 'reverseWords', '--json', '--device', 'cpu']);
    expect(searched.code, searched.stderr).toBe(0);
    expect(JSON.parse(searched.stdout).results[0][0]).toMatchObject({ path: `${extension}/reverse.js`, startLine: 1 });
    const written = c2llm(['index', folder, '--split', '--output', extension, '--device', 'cpu']);
    expect(written.stderr).toMatch(/extension: not empty and not a split index \(no manifest\.json of c2llm's\); name a new or empty folder\n$/);
    expect(readFileSync(join(extension, 'manifest.json'), 'utf8')).toContain('manifest_version');

    const nothing = makeFolder('no-code', { 'notes.bin': '\u0000\u0001' });
    const none = c2llm(['search', nothing, 'anything', '--device', 'cpu']);
    expect([none.code, none.stderr.split('\n').at(-2)]).toEqual([1, `c2llm: ${nothing}: no code to search in this folder, and it is not a split index (no manifest.json of c2llm's)`]);
    const damaged = makeFolder('damaged-split', { 'manifest.json': '{"format": "c2llm-split-in' });
    expect(c2llm(['search', damaged, 'anything']).stderr).toMatch(/damaged-split\/manifest\.json: not valid UTF-8 JSON/);
  });

  test.each([
    [['index', '--output', 'x.c2idx'], /one folder and --output are required/],
    [['split', '--output', 'x'], /one index file and --output are required/],
    [['split', 'x.c2idx', '--output', join(ROOT, 'package.json')], /package\.json: a split index is written as a folder, and this is a file/],
    [['index', folder, '--output', 'x', '--split', '--update'], /--update reads an index file/],
    [['index', join(work, 'missing'), '--output', 'x.c2idx'], /missing: no such folder/],
    [['index', join(ROOT, 'package.json'), '--output', 'x.c2idx'], /package\.json: not a folder/],
    [['index', folder, '--output', 'x.c2idx', '--shard', '2/2'], /--shard must be i\/N with 0 <= i < N/],
    [['search', '--index', join(work, 'nope.c2idx'), '--query', 'x'], /nope\.c2idx: cannot be read/],
    [['search', '--index', index, '--query', 'x', '--model', folder], /corpus\/config\.json: file not found/],
    [['search', '--index', join(ROOT, 'package.json'), '--query', 'x'], /package\.json: not a c2llm index/],
    [['search', '--index', 'x', '--query', 'x', '--mode', 'fuzzy'], /--mode must be hybrid, dense, lexical/],
    [['search', '--index', 'x', '--query', ' '], /--query is empty: give the words to search for/],
    [['search', '--index', 'x.c2idx', 'parse a', 'duration'], /the words to search for go after --query, in quotes: c2llm search --index x\.c2idx --query "parse a duration"/],
    [['search', '--index', 'x.c2idx', '--query', 'parse', 'a', 'duration'], /in quotes: c2llm search --index x\.c2idx --query "parse a duration"/],
    [['search', 'x.c2idx', 'parse', 'a', 'duration'], /in quotes: c2llm search --index x\.c2idx --query "parse a duration"/],
    [['search'], /an index \(or a folder of code\) is required: c2llm search <index\|folder> "<query>"/],
    [['search', '--index', 'x', '--query', 'x', '--queries', 'q.json'], /--query and --queries: choose one/],
    [['search', '--index', 'x', '--queries', join(work, 'blank-queries.json')], /blank-queries\.json: element 1 is empty/],
    [['merge', '--output', 'x'], /shard files and --output are required/],
    [['index', folder, '--output', join(work, 'no-such-folder', 'x.c2idx'), '--device', 'cpu'], /x\.c2idx: cannot be written/],
    [['index', folder, '--output', join(ROOT, 'package.json', 'x.c2idx'), '--device', 'cpu'], /x\.c2idx: cannot be written \(.*package\.json is a file, not a folder\)/],
    [['index', folder, '--output', work, '--device', 'cpu'], /: cannot be written \(it is a folder; name a file\)/],
  ])('one-line error, exit 1: %j', (args, message) => {
    const { code, stderr } = c2llm(args as string[]);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
