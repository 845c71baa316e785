/**
 * tools/train/test_names.py: a test's name becomes the description of the function it tests, in Python,
 * Rust and Go. Checked on a small extracted-Debian folder: the function found is the one the test calls
 * whose name stands in the test's name; a test named only after its function, or whose calls fit two
 * functions equally, gives nothing; a library of the held-out splits, an evaluation codebase's folder
 * and a near-copy of an evaluation file give nothing; the manifest holds what the leak test reads.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

interface Pair { lang: string; package: string; path: string; name: string; query: string; code: string }
interface Manifest { pairs: Record<string, number>; debian: Record<string, string>; train_packages: string[]; excluded: string[]; near_duplicates: { dropped: { package: string; near: string }[] } }

const work = mkdtempSync(join(tmpdir(), 'c2llm-test-names-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** corpus.py's split_of: a library of the held-out splits must give nothing. */
function splitOf(library: string) {
  const bucket = BigInt(`0x${createHash('sha256').update(library).digest('hex')}`) % 100n;
  return bucket < 8n ? 'test' : bucket < 12n ? 'validation' : 'train';
}

const debian = join(work, 'debian');
const evaluation = join(work, 'eval');
const out = join(work, 'out');
const python = (lib: string) => join(debian, `python3-${lib}_1.0-1/usr/lib/python3/dist-packages/${lib}`);
const COPIED = 'fn copied_from_evaluation(input: &str) -> usize {\n    let mut total = 0;\n    for part in input.split(\',\') {\n        total += part.trim().len() * 3 + 7;\n    }\n    total\n}\n';

let pairs: Pair[];
let manifest: Manifest;

beforeAll(() => {
  expect(['python:shutilx', 'rust:headers-1.0.0', 'go:github.com/acme/timeparse'].map(splitOf)).toEqual(['train', 'train', 'train']);
  expect(splitOf('python:gamma')).toBe('test');
  write(join(python('shutilx'), 'core.py'), [
    'def copytree(src, dst, symlinks=False):',
    '    """Copies a tree."""',
    '    for name in listdir(src):',
    '        copy(join(src, name), dst)',
    '    return dst',
    '',
    'def save(path, state):',
    '    with open(path, "w") as f:',
    '        f.write(encode(state))',
    '',
    'def load(path):',
    '    with open(path) as f:',
    '        return decode(f.read())',
    '',
  ].join('\n'));
  write(join(python('shutilx'), 'tests/test_core.py'), [
    'def test_copytree_keeps_relative_symlinks():',
    '    assert copytree("a", "b", symlinks=True) == "b"',
    '',
    'def test_copytree():',
    '    copytree("a", "b")',
    '',
    'def test_save_then_load_round_trips_unicode_names():',
    '    save("x", {"é": 1}); assert load("x") == {"é": 1}',
    '',
  ].join('\n'));
  write(join(python('gamma'), 'core.py'), 'def frobnicate(x):\n    y = x + 1\n    return y * 2\n');
  write(join(python('gamma'), 'tests/test_core.py'), 'def test_frobnicate_doubles_positive_numbers():\n    frobnicate(2)\n');
  const crate = join(debian, 'librust-headers-dev_1.0.0-1/usr/share/cargo/registry/headers-1.0.0');
  write(join(crate, 'src/lib.rs'), [
    'pub fn parse_header(line: &str) -> Option<(&str, &str)> {',
    '    let (name, value) = line.split_once(\':\')?;',
    '    Some((name.trim(), value.trim()))',
    '}',
    '',
    COPIED,
    '#[cfg(test)]',
    'mod tests {',
    '    #[test]',
    '    fn parse_header_rejects_lines_without_colon() {',
    '        assert!(parse_header("nothing here").is_none());',
    '    }',
    '    #[test]',
    '    fn copied_from_evaluation_counts_weighted_parts() {',
    '        assert_eq!(copied_from_evaluation("a,b"), 20);',
    '    }',
    '}',
    '',
  ].join('\n'));
  // An evaluation codebase's folder (clap, tools/train/evaluation-codebases.json) is never read.
  const clap = join(debian, 'librust-clap-dev_4.0.32-1/usr/share/cargo/registry/clap-4.0.32');
  write(join(clap, 'src/lib.rs'), 'pub fn render_usage(cmd: &str) -> String {\n    let s = cmd.to_string();\n    s\n}\n#[test]\nfn render_usage_lists_required_arguments_first() {\n    render_usage("x");\n}\n');
  const go = join(debian, 'golang-github-acme-timeparse-dev_0.1-1/usr/share/gocode/src/github.com/acme/timeparse');
  write(join(go, 'parse.go'), 'package timeparse\n\nfunc ParseDuration(s string) (int, error) {\n\tif s == "" {\n\t\treturn 0, errEmpty\n\t}\n\treturn parse(s)\n}\n');
  write(join(go, 'parse_test.go'), 'package timeparse\n\nimport "testing"\n\nfunc TestParseDurationRejectsNegativeValues(t *testing.T) {\n\tif _, err := ParseDuration("-1s"); err == nil {\n\t\tt.Fatal("want error")\n\t}\n}\n');
  for (const set of ['nl-validation', 'nl-test']) write(join(evaluation, set, 'codebase/copied.rs'), set === 'nl-test' ? COPIED : 'fn unrelated() {}\n');
  const run = spawnSync('python3', ['tools/train/test_names.py', debian, out, '--evaluation-dir', evaluation], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  pairs = readFileSync(join(out, 'train.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Pair);
  manifest = JSON.parse(readFileSync(join(out, 'test-names-manifest.json'), 'utf8')) as Manifest;
});

describe('test names as descriptions', () => {
  test('each language pairs a descriptive test name with the function its test calls', () => {
    const byName = Object.fromEntries(pairs.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(['ParseDuration', 'copytree', 'parse_header']);
    expect(['keeps relative symlinks', 'copytree keeps relative symlinks']).toContain(byName.copytree.query);
    expect(['rejects lines without colon', 'parse header rejects lines without colon']).toContain(byName.parse_header.query);
    expect(['rejects negative values', 'parse duration rejects negative values']).toContain(byName.ParseDuration.query);
    expect(byName.copytree.code).not.toContain('Copies a tree');
    expect(byName.copytree.code).toMatch(/^def copytree\(src, dst, symlinks=False\):\n {4}for name/);
    expect(byName.parse_header.code).toMatch(/^pub fn parse_header[^]*\n}\n$/);
    expect(byName.ParseDuration).toMatchObject({ lang: 'go', package: 'go:github.com/acme/timeparse', path: '/usr/share/gocode/src/github.com/acme/timeparse/parse.go' });
    // The path is the tested function's file as installed, as corpus.py records it (path_context.py reads it).
    expect(byName.copytree.path).toBe('/usr/lib/python3/dist-packages/shutilx/core.py');
    expect(byName.parse_header.path).toBe('/usr/share/cargo/registry/headers-1.0.0/src/lib.rs');
  });

  test('held-out libraries, evaluation codebases and near-copies of evaluation code give nothing', () => {
    expect(pairs.filter((p) => p.package === 'python:gamma' || p.package.startsWith('rust:clap'))).toEqual([]);
    expect(manifest.near_duplicates.dropped).toEqual([expect.objectContaining({ package: 'rust:headers-1.0.0', near: expect.stringMatching(/^nl-test: /) as string })]);
  });

  test('a folder without extracted packages is an error naming it, not an empty corpus', () => {
    const run = spawnSync('python3', ['tools/train/test_names.py', work, join(work, 'none')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${work}: no extracted Debian package in it`);
  });

  test('the manifest names the packages, libraries and pairs, with the exclusion list', () => {
    expect(manifest.pairs).toEqual({ python: 1, rust: 1, go: 1 });
    expect(Object.keys(manifest.debian).sort()).toEqual(['golang-github-acme-timeparse-dev', 'librust-headers-dev', 'python3-shutilx']);
    expect(manifest.train_packages).toEqual(['go:github.com/acme/timeparse', 'python:shutilx', 'rust:headers-1.0.0']);
    expect(manifest.excluded).toContain('clap');
  });
});
