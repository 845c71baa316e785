/**
 * The shipped C2LLM-nano model (models/c2llm-nano, trained by tools/train): the engine reproduces
 * PyTorch's embeddings of the exported checkpoint on every device, so the trained model means the same
 * thing in the browser; its int8 layout stays close; and the docstring part of `npm run eval` guards
 * the model, tokenizer and fusion against regressions (the code-search sets stay out of CI).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { Embedder, type EmbedderOptions } from '../src/embedder';
import { directorySource } from '../src/node/fs-source';
import { createNodeGpu } from '../src/node/dawn';
import { Candidates, metricsByLanguage, readNaturalQueries, readPairs } from '../eval/retrieval';
import { DEFAULT_LEXICAL_WEIGHT } from '../src/search/fusion';
import { cosine, expectEmbeddingsMatch, INT8_MIN_COSINE } from './helpers/compare';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NANO = join(ROOT, 'models', 'c2llm-nano');
const NANO_INT8 = join(ROOT, 'models', 'c2llm-nano-int8');
const parity: { cases: { text: string; ids: number[]; embedding: number[] }[] } = JSON.parse(readFileSync(join(NANO, 'parity.json'), 'utf8'));
const texts = parity.cases.map((c) => c.text);
const expected = parity.cases.map((c) => c.embedding);
// Floors: the target for dense on the docstring test split (0.55; the shipped model measures
// 0.598) and a little under what it measures on the natural-language queries (see
// models/c2llm-nano/README.md); a broken model or tokenizer path scores near 0 on both.
const DENSE_FLOOR = 0.55;
const NATURAL_RECALL10_FLOOR = 0.5;
const nodeOrt = async () => ({ module: await import('onnxruntime-node'), runtime: 'onnxruntime-node' });

const embedders: Embedder[] = [];
async function load(dir: string, options: EmbedderOptions): Promise<Embedder> {
  const embedder = await Embedder.load(directorySource(dir), options);
  embedders.push(embedder);
  return embedder;
}
afterAll(() => embedders.forEach((e) => e.dispose()));

describe('C2LLM-nano against PyTorch (tools/train/export.py)', () => {
  test('the engine tokenizes as the reference byte-level BPE does', async () => {
    const embedder = await load(NANO, { device: 'reference' });
    parity.cases.forEach((c, i) => expect(Array.from(embedder.tokenize(c.text)), `text ${i}`).toEqual(c.ids));
  });

  test.each([
    ['reference', { device: 'reference' }],
    ['cpu', { device: 'cpu', ort: nodeOrt }],
  ] as const)('%s device: cosine >= 0.99999 and max abs <= 1e-4 against PyTorch', async (label, options) => {
    const embedder = await load(NANO, options);
    expectEmbeddingsMatch(await embedder.embed(texts), expected, `nano ${label}`);
  });

  test('webgpu device (Dawn): cosine >= 0.99999 and max abs <= 1e-4 against PyTorch', async () => {
    const embedder = await load(NANO, { device: 'webgpu', gpu: await createNodeGpu() });
    expectEmbeddingsMatch(await embedder.embed(texts), expected, 'nano webgpu');
  });

  test('the int8 layout (c2llm quantize) stays within cosine 0.999 of PyTorch, on the cpu and webgpu devices', async () => {
    for (const options of [{ device: 'cpu', ort: nodeOrt }, { device: 'webgpu', gpu: await createNodeGpu() }] as const) {
      const vectors = await (await load(NANO_INT8, options)).embed(texts);
      const worst = Math.min(...vectors.map((v, i) => cosine(v, expected[i])));
      expect(worst, options.device).toBeGreaterThanOrEqual(INT8_MIN_COSINE);
    }
  });
});

describe('C2LLM-nano search quality on the held-out test split (eval/data/test.jsonl, packages never seen in training)', () => {
  const test_ = readPairs(join(ROOT, 'eval', 'data', 'test.jsonl'));
  let prepared: Promise<{ embedder: Embedder; candidates: Candidates }> | undefined;
  const embedded = () => (prepared ??= load(NANO, { device: 'cpu', ort: nodeOrt }).then(async (embedder) => ({ embedder, candidates: await Candidates.embed(test_, embedder) })));

  // Hybrid's weight is chosen on queries in users' words, where BM25 is the stronger side; on doc-comment
  // queries the dense side is the stronger one, and the blend must not fall behind it over the whole split
  // (the issue: hybrid >= max(dense, BM25) on every set; shipped: 0.603 against dense's 0.598 here).
  test('dense beats BM25, and hybrid at the default weight beats both, on docstring queries', async () => {
    const { embedder, candidates } = await embedded();
    const rankings = await candidates.rank(test_.map((p) => p.query), embedder, 10, [DEFAULT_LEXICAL_WEIGHT]);
    const gold = test_.map((_, i) => i);
    const langs = test_.map((p) => p.lang);
    const dense = metricsByLanguage(rankings.dense, gold, langs).all.mrr10;
    const lexical = metricsByLanguage(rankings.lexical, gold, langs).all.mrr10;
    const hybrid = metricsByLanguage(rankings.hybrid[0], gold, langs).all.mrr10;
    console.log(`nano test split (${test_.length}): MRR@10 dense ${dense.toFixed(3)}, BM25 ${lexical.toFixed(3)}, hybrid ${hybrid.toFixed(3)}`);
    expect(dense).toBeGreaterThan(DENSE_FLOOR);
    expect(dense).toBeGreaterThan(lexical);
    expect(hybrid).toBeGreaterThan(lexical);
    expect(hybrid).toBeGreaterThanOrEqual(dense);
  });

  test('natural-language queries find their function among the whole test split', async () => {
    const { embedder, candidates } = await embedded();
    const natural = readNaturalQueries(join(ROOT, 'eval', 'data', 'natural-language.jsonl'), test_);
    const rankings = await candidates.rank(natural.queries, embedder, 10, []);
    const dense = metricsByLanguage(rankings.dense, natural.gold, natural.langs).all;
    console.log(`nano natural-language: MRR@10 dense ${dense.mrr10.toFixed(3)}, R@10 ${dense.recall10.toFixed(3)}`);
    expect(dense.recall10).toBeGreaterThan(NATURAL_RECALL10_FLOOR);
  });
});
