/**
 * `npm run eval`: search quality of a model on held-out code (tools/train/corpus.py's test split: packages
 * the model never saw) and on natural-language queries written over that code (eval/data/
 * natural-language.jsonl), for dense, lexical (BM25) and hybrid ranking; per language; the model's
 * weights as stored (bf16) and as int8; and the recall@10 of the index file's int8 vectors against exact
 * f32 dense search on these real embeddings. Hybrid's lexical weight is chosen on the validation split and
 * then applied to the test sets. Prints markdown tables and writes eval/results.json.
 *
 *   npm run eval -- [--model models/c2llm-nano] [--limit N] [--out eval/results.json]
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Embedder } from '../src/embedder';
import { DEFAULT_LEXICAL_WEIGHT, type SearchMode } from '../src/search/hybrid';
import { directorySource } from '../src/node/fs-source';
import type { Metrics } from './metrics';
import { Candidates, metricsByLanguage, readNaturalQueries, readPairs, type EvalPair, type ModeMetrics } from './retrieval';

const DATA = 'eval/data';
const WEIGHTS = [0, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3];

async function loadEmbedder(model: string, dtype: 'auto' | 'int8'): Promise<Embedder> {
  return Embedder.load(directorySource(model), {
    device: 'cpu',
    dtype,
    ort: async () => ({ module: await import('onnxruntime-node'), runtime: 'onnxruntime-node' }),
    maxLength: 512,
  });
}

function table(title: string, results: ModeMetrics): string {
  const langs = Object.keys(results.dense);
  const rows = (['dense', 'lexical', 'hybrid'] as SearchMode[]).map((mode) => {
    const m = results[mode];
    return `| ${mode} | ${langs.map((l) => m[l].mrr10.toFixed(3)).join(' | ')} | ${m.all.recall1.toFixed(3)} | ${m.all.recall10.toFixed(3)} | ${m.all.ndcg10.toFixed(3)} |`;
  });
  const header = `| MRR@10 | ${langs.join(' | ')} | R@1 (all) | R@10 (all) | NDCG@10 (all) |`;
  return [`${title} (${results.dense.all.queries} queries)`, '', header, `|${'---|'.repeat(langs.length + 4)}`, ...rows, ''].join('\n');
}

async function evaluate(embedder: Embedder, pairs: readonly EvalPair[], queries: readonly string[], gold: readonly number[], langs: readonly string[], weights: readonly number[]) {
  const candidates = await Candidates.embed(pairs, embedder);
  const rankings = await candidates.rank(queries, embedder, 10, weights);
  return {
    dense: metricsByLanguage(rankings.dense, gold, langs),
    lexical: metricsByLanguage(rankings.lexical, gold, langs),
    hybrid: rankings.hybrid.map((r) => metricsByLanguage(r, gold, langs)),
    indexRecall10: candidates.quantizedRecall(rankings.queryVectors),
  };
}

const pairsOf = (pairs: EvalPair[]) => ({ queries: pairs.map((p) => p.query), gold: pairs.map((_, i) => i), langs: pairs.map((p) => p.lang) });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { model: { type: 'string', default: 'models/c2llm-nano' }, limit: { type: 'string' }, out: { type: 'string', default: 'eval/results.json' } },
  });
  const limit = values.limit ? Number(values.limit) : Infinity;
  const validation = readPairs(join(DATA, 'validation.jsonl')).slice(0, limit);
  const test = readPairs(join(DATA, 'test.jsonl')).slice(0, limit);
  const natural = readNaturalQueries(join(DATA, 'natural-language.jsonl'), test);
  const report: Record<string, unknown> = { model: values.model, date: new Date().toISOString() };
  const lines: string[] = [];

  const bf16 = await loadEmbedder(values.model, 'auto');
  const started = performance.now();
  const validationPairs = pairsOf(validation);
  const val = await evaluate(bf16, validation, validationPairs.queries, validationPairs.gold, validationPairs.langs, WEIGHTS);
  const sweep = WEIGHTS.map((w, i) => ({ weight: w, mrr10: val.hybrid[i].all.mrr10 }));
  const best = sweep.reduce((a, b) => (b.mrr10 > a.mrr10 ? b : a));
  const bestIndex = WEIGHTS.indexOf(best.weight);
  lines.push(`Hybrid weight sweep on validation (MRR@10): ${sweep.map((s) => `${s.weight}: ${s.mrr10.toFixed(3)}`).join(', ')}`);
  lines.push(`Chosen: ${best.weight}${best.weight === DEFAULT_LEXICAL_WEIGHT ? ', the product default (DEFAULT_LEXICAL_WEIGHT)' : `; the product default DEFAULT_LEXICAL_WEIGHT is ${DEFAULT_LEXICAL_WEIGHT}: set it to ${best.weight}`}`, '');
  const pick = (r: Awaited<ReturnType<typeof evaluate>>, i: number): ModeMetrics => ({ dense: r.dense, lexical: r.lexical, hybrid: r.hybrid[i] });
  report.validation = pick(val, bestIndex);
  report.hybridSweep = sweep;
  report.hybridWeight = best.weight;
  lines.push(table('Validation split (docstring queries)', report.validation as ModeMetrics));

  const testPairs = pairsOf(test);
  const testResult = await evaluate(bf16, test, testPairs.queries, testPairs.gold, testPairs.langs, [best.weight]);
  report.test = pick(testResult, 0);
  lines.push(table('Test split (docstring queries, packages never seen in training)', report.test as ModeMetrics));
  const naturalResult = await evaluate(bf16, test, natural.queries, natural.gold, natural.langs, [best.weight]);
  report.naturalLanguage = pick(naturalResult, 0);
  lines.push(table('Natural-language queries over the test split', report.naturalLanguage as ModeMetrics));
  report.indexInt8Recall10 = { test: testResult.indexRecall10, naturalLanguage: naturalResult.indexRecall10 };
  lines.push(`Index-file quantization (int8 vectors, a scale each) against exact f32 dense search, recall@10: test ${testResult.indexRecall10.toFixed(3)}, natural language ${naturalResult.indexRecall10.toFixed(3)}`, '');
  report.seconds = (performance.now() - started) / 1000;
  bf16.dispose();

  const int8 = await loadEmbedder(values.model, 'int8');
  const int8Test = await evaluate(int8, test, testPairs.queries, testPairs.gold, testPairs.langs, [best.weight]);
  const int8Natural = await evaluate(int8, test, natural.queries, natural.gold, natural.langs, [best.weight]);
  int8.dispose();
  report.int8 = { test: pick(int8Test, 0), naturalLanguage: pick(int8Natural, 0) };
  const mrr = (m: Record<string, Metrics>) => m.all.mrr10.toFixed(3);
  lines.push('int8 against bf16 weights (MRR@10, all languages):', '', '| set | dense bf16 | dense int8 | hybrid bf16 | hybrid int8 |', '|---|---|---|---|---|');
  lines.push(`| test | ${mrr(testResult.dense)} | ${mrr(int8Test.dense)} | ${mrr(testResult.hybrid[0])} | ${mrr(int8Test.hybrid[0])} |`);
  lines.push(`| natural language | ${mrr(naturalResult.dense)} | ${mrr(int8Natural.dense)} | ${mrr(naturalResult.hybrid[0])} | ${mrr(int8Natural.hybrid[0])} |`, '');

  console.log(lines.join('\n'));
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(`${values.out}.tmp`, JSON.stringify(report, null, 1));
  renameSync(`${values.out}.tmp`, values.out);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
