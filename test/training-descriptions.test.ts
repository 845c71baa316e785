/**
 * The training corpus's further kinds of description: tools/train/inline_comments.py turns a comment inside
 * a function into the query for that function without it (and keeps nothing that is code, a marker or a
 * repeat), and tools/train/mix_corpus.py joins a share of one corpus with every pair of several others,
 * token ids in step with their pairs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'c2llm-descriptions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Pair { lang: string; package: string; path: string; name: string; query: string; code: string }
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');
const readJsonl = <T>(file: string): T[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

function python(script: string, ...args: string[]) {
  const run = spawnSync('python3', [script, ...args], { encoding: 'utf8' });
  if (run.error) throw run.error;
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run;
}

const pair = (lang: string, name: string, code: string): Pair => ({ lang, package: `${lang}:lib`, path: `lib/${name}`, name, query: `Returns the ${name}.`, code });

function inlinePairs(corpus: Pair[]): Pair[] {
  const dir = mkdtempSync(join(work, 'inline-'));
  writeFileSync(join(dir, 'train.jsonl'), jsonl(corpus));
  python('tools/train/inline_comments.py', dir, join(dir, 'out'));
  return readJsonl<Pair>(join(dir, 'out', 'train.jsonl'));
}

test('a comment inside a function becomes its query, and the function loses that line', () => {
  const code = ['func skipBlock(s []byte) int {', '\tdepth := 0', '\t// Scan forward to the closing brace.', '\tfor i, c := range s {', '\t\tdepth += delta(c)', '\t}', '\treturn 0', '}'].join('\n');
  const [made, ...rest] = inlinePairs([pair('go', 'skipBlock', code)]);
  expect(rest).toEqual([]);
  expect(made.query).toBe('scan forward to the closing brace');
  expect(made.code).toBe(code.replace('\t// Scan forward to the closing brace.\n', ''));
  expect({ ...made, query: '', code: '' }).toEqual({ ...pair('go', 'skipBlock', code), query: '', code: '' });
});

test('comments that are code, markers, too short or too long, and repeated queries give nothing', () => {
  const python3 = (name: string, comment: string) => pair('python', name, `def ${name}(x):\n    ${comment}\n    return x\n`);
  const made = inlinePairs([
    python3('a', '# x = compute(y) if the cache is cold'),
    python3('b', '# TODO make this faster for large inputs'),
    python3('c', '# see the docs for details about this'),
    python3('d', '# too short'),
    python3('e', '# ' + 'words that go on and on '.repeat(4)),
    python3('f', '# retry the request after a short pause'),
    python3('g', '# Retry the request after a short pause.'),
  ]);
  expect(made.map((p) => [p.name, p.query])).toEqual([['f', 'retry the request after a short pause']]);
});

test('mix_corpus.py keeps a share of the base and every pair of each added corpus, ids in step', () => {
  const corpus = (name: string, n: number) => {
    const dir = mkdtempSync(join(work, `${name}-`));
    const pairs = Array.from({ length: n }, (_, i) => pair('go', `${name}${i}`, `func ${name}${i}() {}`));
    writeFileSync(join(dir, 'train.jsonl'), jsonl(pairs));
    writeFileSync(join(dir, 'train.ids.jsonl'), jsonl(pairs.map((p) => ({ q: [p.name.length], d: [p.code.length] }))));
    writeFileSync(join(dir, 'validation.ids.jsonl'), jsonl([{ q: [1], d: [name.length] }]));
    return { dir, pairs };
  };
  const [base, tests, comments] = [corpus('base', 200), corpus('tests', 7), corpus('comments', 5)];
  const out = join(work, 'mixed');
  python('tools/train/mix_corpus.py', base.dir, tests.dir, comments.dir, out, '--share', '0.5');
  const mixed = readJsonl<Pair>(join(out, 'train.jsonl'));
  const ids = readJsonl<{ q: number[]; d: number[] }>(join(out, 'train.ids.jsonl'));
  const fromBase = mixed.filter((p) => p.name.startsWith('base'));
  expect(fromBase.length).toBeGreaterThan(60);
  expect(fromBase.length).toBeLessThan(140);
  expect(mixed.slice(fromBase.length).map((p) => p.name)).toEqual([...tests.pairs, ...comments.pairs].map((p) => p.name));
  expect(ids).toEqual(mixed.map((p) => ({ q: [p.name.length], d: [p.code.length] })));
  expect(readFileSync(join(out, 'validation.ids.jsonl'), 'utf8')).toBe(readFileSync(join(base.dir, 'validation.ids.jsonl'), 'utf8'));
});
