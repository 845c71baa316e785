/**
 * A wider vocabulary for a trained model: tools/train/prune_tokenizer.py --keep keeps every token of an
 * earlier pruned tokenizer and fills up with the most frequent others, renumbered in the source's order;
 * tools/train/grow.py `widened` carries each stored token's embedding row to its new id and starts an
 * added token at the mean of the stored pieces its merges build it from. Checked on a small tokenizer of
 * Qwen's layout (the 256 byte tokens, then merges).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'c2llm-vocabulary-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** GPT-2's printable stand-ins for the 256 bytes, in prune_tokenizer.py's order. */
function byteAlphabet(): string[] {
  const printable: number[] = [];
  for (const [from, to] of [[0x21, 0x7e], [0xa1, 0xac], [0xae, 0xff]]) for (let c = from; c <= to; c++) printable.push(c);
  let extra = 0;
  const added = [...Array(256).keys()].filter((b) => !printable.includes(b)).map(() => 256 + extra++);
  return [...printable, ...added].map((c) => String.fromCodePoint(c));
}

function writeSource(dir: string) {
  const vocab: Record<string, number> = Object.fromEntries(byteAlphabet().map((t, i) => [t, i]));
  Object.assign(vocab, { ab: 256, abc: 257, cd: 258 });
  const tokenizer = {
    model: { type: 'BPE', vocab, merges: ['a b', 'ab c', 'c d'] },
    added_tokens: [{ id: 259, content: '<|endoftext|>', special: true }],
    post_processor: {},
    truncation: null,
    padding: null,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
}

function prune(counts: Record<number, number>, size: number, out: string, ...flags: string[]) {
  const countsFile = `${out}.counts.json`;
  writeFileSync(countsFile, JSON.stringify(counts));
  const run = spawnSync('python3', ['tools/train/prune_tokenizer.py', join(work, 'qwen'), countsFile, String(size), out, ...flags], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number>; merges: string[][] }; added_tokens: { id: number }[] };
}

writeSource(join(work, 'qwen'));

test('--keep keeps an earlier vocabulary whole and fills up with the most frequent others', () => {
  const earlier = prune({ 258: 10 }, 257, join(work, 'earlier'));
  expect(Object.keys(earlier.model.vocab).filter((t) => t.length > 1)).toEqual(['cd']);

  const plain = prune({ 256: 10, 257: 5 }, 259, join(work, 'plain'));
  expect(plain.model.vocab.cd).toBeUndefined();

  const wider = prune({ 256: 10, 257: 5 }, 259, join(work, 'wider'), '--keep', join(work, 'earlier'));
  expect([wider.model.vocab.ab, wider.model.vocab.abc, wider.model.vocab.cd]).toEqual([256, 257, 258]);
  expect(wider.model.merges).toEqual([['a', 'b'], ['ab', 'c'], ['c', 'd']]);
  expect(wider.added_tokens[0].id).toBe(259);
});

test('--keep refuses a vocabulary that is not the source pruned', () => {
  const foreign = join(work, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'tokenizer.json'), JSON.stringify({ model: { vocab: { zz: 0 } } }));
  const run = spawnSync('python3', ['tools/train/prune_tokenizer.py', join(work, 'qwen'), join(work, 'wider.counts.json'), '259', join(work, 'out'), '--keep', foreign], { encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  expect(run.stderr).toContain("tokens not in");
  expect(run.stderr).toContain("'zz'");
});

test("widened keeps each stored token's row and starts an added one at the mean of its pieces", () => {
  const check = `
import json, sys
import numpy as np
sys.path.insert(0, "tools/train")
from grow import widened, token_ids, EMBEDDINGS
stored = json.load(open(sys.argv[1])); wider = json.load(open(sys.argv[2]))
old = token_ids(stored)
table = np.arange(len(old) * 2, dtype=np.float64).reshape(len(old), 2)
rows = widened({EMBEDDINGS: table, "other": np.ones(1)}, stored, wider)
new = token_ids(wider)
row = lambda t: table[old[t]]
assert rows[EMBEDDINGS].shape == (len(new), 2), rows[EMBEDDINGS].shape
for t in old: assert (rows[EMBEDDINGS][new[t]] == row(t)).all(), t
assert np.allclose(rows[EMBEDDINGS][new["ab"]], (row("a") + row("b")) / 2)
assert np.allclose(rows[EMBEDDINGS][new["abc"]], (row("a") + row("b") + row("c")) / 3)
assert (rows["other"] == 1).all()
try:
    widened({EMBEDDINGS: table}, wider, stored)
except SystemExit as e:
    print(e)
`;
  const run = spawnSync('python3', ['-c', check, join(work, 'earlier', 'tokenizer.json'), join(work, 'wider', 'tokenizer.json')], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain('the new vocabulary lacks 2 of the checkpoint');
});
