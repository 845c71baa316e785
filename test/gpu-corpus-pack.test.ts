/**
 * tools/train/gpu/corpus_pack.py: the training corpus packed for the GPU machine comes back as train.py
 * reads it (token ids, each training pair's package, documents cut where asked, the same share of pairs
 * each time), and a file cut short in transfer is refused with one line, not read as a smaller corpus.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const SCRIPT = 'tools/train/gpu/corpus_pack.py';
const work = mkdtempSync(join(tmpdir(), 'c2llm-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface IdPair { q: number[]; d: number[] }
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');
const readJsonl = <T>(file: string): T[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

function python(...args: string[]) {
  const run = spawnSync('python3', [SCRIPT, ...args], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return run;
}

function corpus(dir: string, pairs: number) {
  const train: IdPair[] = Array.from({ length: pairs }, (_, i) => ({ q: [8192 - i, i, 7], d: Array.from({ length: 2 + (i % 5) }, (_, k) => 100 * i + k) }));
  writeFileSync(join(dir, 'train.ids.jsonl'), jsonl(train));
  writeFileSync(join(dir, 'train.jsonl'), jsonl(train.map((_, i) => ({ package: `rust:crate-${i % 3}`, query: 'q', code: 'c' }))));
  writeFileSync(join(dir, 'validation.ids.jsonl'), jsonl([{ q: [1, 2], d: [3, 4, 5, 6, 7] }]));
  return train;
}

test('a packed corpus unpacks to the same ids and packages, documents cut where asked', () => {
  const data = mkdtempSync(join(work, 'data-'));
  const train = corpus(data, 40);
  const packed = join(work, 'corpus.xz');
  expect(python('pack', data, packed, '--doc-tokens', '4').status).toBe(0);
  const out = join(work, 'unpacked');
  expect(python('unpack', packed, out).status).toBe(0);
  expect(readJsonl<IdPair>(join(out, 'train.ids.jsonl'))).toEqual(train.map((p) => ({ q: p.q, d: p.d.slice(0, 4) })));
  expect(readJsonl<{ package: string }>(join(out, 'train.jsonl')).map((r) => r.package)).toEqual(train.map((_, i) => `rust:crate-${i % 3}`));
  expect(readJsonl<IdPair>(join(out, 'validation.ids.jsonl'))).toEqual([{ q: [1, 2], d: [3, 4, 5, 6] }]);
});

test('--share keeps the same pairs each time, with their packages', () => {
  const dir = mkdtempSync(join(work, 'share-'));
  const train = corpus(dir, 200);
  const kept = (name: string) => {
    const packed = join(work, `${name}.xz`);
    expect(python('pack', dir, packed, '--share', '0.5').status).toBe(0);
    const out = join(work, name);
    expect(python('unpack', packed, out).status).toBe(0);
    return { ids: readJsonl<IdPair>(join(out, 'train.ids.jsonl')), packages: readJsonl<{ package: string }>(join(out, 'train.jsonl')) };
  };
  const first = kept('share-a');
  expect(first.ids.length).toBeGreaterThan(60);
  expect(first.ids.length).toBeLessThan(140);
  expect(kept('share-b')).toEqual(first);
  first.ids.forEach((pair, k) => {
    const i = train.findIndex((p) => p.q[1] === pair.q[1]);
    expect(pair).toEqual(train[i]);
    expect(first.packages[k].package).toBe(`rust:crate-${i % 3}`);
  });
});

test('a packed corpus cut short is refused in one line', () => {
  const dir = mkdtempSync(join(work, 'short-'));
  corpus(dir, 300);
  const packed = join(work, 'short.xz');
  expect(python('pack', dir, packed).status).toBe(0);
  truncateSync(packed, Math.floor(statSync(packed).size / 2));
  const run = python('unpack', packed, join(work, 'short-out'));
  expect(run.status).not.toBe(0);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toContain('short.xz');
  expect(run.stderr).toContain('not copied whole');
});
