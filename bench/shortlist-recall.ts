/**
 * `npm run bench:shortlist`: what the sign-bit first stage of dense search (src/search/dense-ranking.ts)
 * costs in recall on a model's real embeddings. Embeds the code of every pair in --pairs (documents,
 * with the document prefix) and --queries of their docstrings (queries, with the code-search
 * instruction), then reports recall@10 against exact f32 search of: int8 over every row, and the two
 * stages (the rows nearest by sign bits, re-scored with int8) at several shortlist sizes and at the
 * product's own size (shortlistSize). The default pairs are the training corpus that
 * tools/train/run.sh writes (.train/corpus) plus the held-out test split: the model saw the training
 * pairs, which does not matter here (the question is how well the quantized search follows the exact
 * one on this geometry, not whether the answers are right). Embeddings are kept in .bench/ by model and
 * pair count, so a second run only searches.
 *
 *   npm run bench:shortlist -- [--model models/c2llm-nano] [--pairs a.jsonl,b.jsonl] [--queries 300]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { Embedder } from '../src/embedder';
import { directorySource } from '../src/node/fs-source';
import { quantizeVector } from '../src/search/index-build';
import { nearestRows, shortlistSize } from '../src/search/dense-ranking';
import { DenseScorer } from '../src/search/dense-scorer';
import { TopK } from '../src/search/top-k';
import { applyPrompt } from '../src/text/prompts';
import { exactTopIds } from '../test/helpers/exact-search';

const SIZES = [500, 1000, 2000, 4000, 8000];

async function embedAll(model: string, texts: string[], cache: string): Promise<Float32Array> {
  if (existsSync(cache)) return new Float32Array(new Uint8Array(readFileSync(cache)).buffer);
  const embedder = await Embedder.load(directorySource(model), {
    device: 'cpu',
    ort: async () => ({ module: await import('onnxruntime-node'), runtime: 'onnxruntime-node' }),
    maxLength: 512,
  });
  const dim = embedder.dim;
  const out = new Float32Array(texts.length * dim);
  const started = performance.now();
  for (let i = 0; i < texts.length; i += 256) {
    (await embedder.embed(texts.slice(i, i + 256))).forEach((v, j) => out.set(v, (i + j) * dim));
    if (i % 10240 === 0) console.error(`embedded ${i} of ${texts.length} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  mkdirSync('.bench', { recursive: true });
  writeFileSync(cache, new Uint8Array(out.buffer));
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/c2llm-nano' },
      pairs: { type: 'string', default: '.train/corpus/train.jsonl,eval/data/test.jsonl' },
      queries: { type: 'string', default: '300' },
    },
  });
  const pairs = values.pairs.split(',').flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { query: string; code: string }));
  const queryCount = Math.min(Number(values.queries), pairs.length);
  const step = Math.floor(pairs.length / queryCount);
  const texts = [
    ...pairs.map((p) => applyPrompt(p.code, { kind: 'document' })),
    ...Array.from({ length: queryCount }, (_, q) => applyPrompt(pairs[q * step].query, { kind: 'query' })),
  ];
  const all = await embedAll(values.model, texts, `.bench/shortlist-vectors-${basename(values.model)}-${pairs.length}-${queryCount}.bin`);
  const n = pairs.length;
  const dim = all.length / texts.length;
  const exact = all.subarray(0, n * dim);
  const vectors = new Int8Array(n * dim);
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) scales[i] = quantizeVector(exact.subarray(i * dim, (i + 1) * dim), vectors.subarray(i * dim, (i + 1) * dim));
  const scorer = new DenseScorer(vectors, scales, dim);
  const productSize = shortlistSize(n, 10);
  const sizes = [...new Set([...SIZES, productSize])].sort((a, b) => a - b);
  const label = (size: number) => `two stages, ${size.toLocaleString('en')} rows${size === productSize ? ' (the product\'s size here)' : ''}`;
  const found = new Map<string, number>([['int8, every row', 0], ...sizes.map((size) => [label(size), 0] as [string, number])]);
  const count = (label: string, ids: Iterable<number>, wanted: Set<number>) => {
    for (const id of ids) if (wanted.has(id)) found.set(label, found.get(label)! + 1);
  };
  for (let q = 0; q < queryCount; q++) {
    const query = all.subarray((n + q) * dim, (n + q + 1) * dim);
    const wanted = exactTopIds(exact, dim, query);
    const scores = scorer.scoreAll(query);
    const everyRow = new TopK(10);
    scores.forEach((s, i) => everyRow.push(i, s));
    count('int8, every row', everyRow.sorted().map((r) => r.id), wanted);
    const distances = scorer.signDistances(query).slice();
    for (const size of sizes) {
      const top = new TopK(10);
      for (const row of nearestRows(distances, Math.min(size, n), dim)) top.push(row, scores[row]);
      count(label(size), top.sorted().map((r) => r.id), wanted);
    }
  }
  console.log(`${values.model}: ${n.toLocaleString('en')} documents of dim ${dim}, ${queryCount} queries; recall@10 against exact f32 search\n`);
  console.log(['| search | recall@10 |', '|---|---|', ...[...found].map(([label, f]) => `| ${label} | ${(f / (10 * queryCount)).toFixed(4)} |`)].join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
