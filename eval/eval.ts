/**
 * `npm run eval`: search quality of a model, dense / lexical (BM25) / hybrid:
 *   - code search in users' words, the way a user meets it (eval/code-search.ts: `c2llm index`, then
 *     CodeIndex.search), file and chunk level, per codebase and language: the validation set
 *     ../shared/eval/nl-validation (hybrid's lexical weight is chosen on it, among the weights where
 *     hybrid is at or above dense and BM25 on the docstring validation split and on the queries in users'
 *     words over it, also validation data) and
 *     this project's test set eval/nl-test (never tuned on); their codebases are fetched by each set's
 *     fetch.sh;
 *   - code search by a symbol's name over the same codebases (eval/data/symbol-*.jsonl, written by
 *     eval/symbol-queries.py: names defined once in their codebase, the definition found by
 *     universal-ctags; hybrid's SYMBOL_DEFINITION_PROMOTION is chosen on the validation codebases'),
 *     by a message the code prints, pasted with its placeholders filled (eval/data/message-*.jsonl,
 *     eval/message-queries.py; PHRASE_MATCH_PROMOTION is chosen on the validation codebases'), and by a
 *     file's name (eval/data/file-*.jsonl, eval/file-queries.py; FILE_NAME_PROMOTION likewise);
 *   - search as you type: the queries in users' words with their last word cut short or a typo, as typed,
 *     corrected from the index (eval/typing.ts) and as written;
 *   - the line each result is shown from, in the result that holds the answer (eval/shown-lines.ts);
 *   - the same queries typed as requests ("how do I …") and as sentences (eval/query-forms.ts), and naming
 *     their language, in one index of all a set's codebases and in each's own (eval/language-mention.ts);
 *   - places pasted from compilers and stack traces (`src/mux.go:120:5`, a traceback's frame) over the
 *     files of the file-name queries (eval/place-queries.ts), and where the symbols of the symbol queries
 *     are used ("where is N used", eval/usage-queries.ts; USAGE_PROMOTION is chosen there);
 *   - the docstring pairs of tools/train/corpus.py's validation and test splits (packages the model never
 *     saw) and queries in users' words written over each split (validation data: NATURAL_VALIDATION, over
 *     the validation split's Go, Java and Python and over the Rust and JavaScript of the corpus's validation
 *     split, which the first lacks; eval/data/natural-language.jsonl over the test split), every pair of
 *     a pool a candidate;
 *   - the weights as stored (bf16) and as int8; the index file's int8 vectors against exact f32 search.
 * Prints markdown tables and writes eval/results.json.
 *
 *   sh ../shared/eval/nl-validation/fetch.sh .eval/nl-validation && sh eval/nl-test/fetch.sh .eval/nl-test
 *   npm run eval -- [--model models/c2llm-nano] [--limit N] [--out eval/results.json] [--validation-only]
 * --validation-only: the validation sets alone (the sweep and their tables), for choosing a model.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Embedder } from '../src/embedder';
import { type SearchMode } from '../src/search/ranking';
import { DEFAULT_LEXICAL_WEIGHT } from '../src/search/fusion';
import { directorySource } from '../src/node/fs-source';
import { prepareQuerySet, searchQuerySet, TABLE_MODES, withQueries, type PreparedSet, type SearchMetrics } from './code-search';
import type { Metrics } from './metrics';
import { languageMentionRows, languageMentionTable } from './language-mention';
import { placeRows, placeTable } from './place-queries';
import { queryFormRows, queryFormTable } from './query-forms';
import { shownLineRow, shownLineTable } from './shown-lines';
import { usageRows, usageTable } from './usage-queries';
import { typingRows, typingTable } from './typing';
import { oneTokenOf } from '../src/search/query-correction';
import { Candidates, metricsByLanguage, readNaturalQueries, readPairs, type EvalPair, type ModeMetrics } from './retrieval';

const DATA = 'eval/data';
/** Queries in users' words over the functions of a validation pool, without their comments: hybrid must not lose to dense or BM25 on any. */
const NATURAL_VALIDATION = [
  { key: 'naturalLanguageValidation', pool: 'validation.jsonl', queries: 'natural-language-validation.jsonl', title: "Queries in users' words over the validation split" },
  {
    key: 'naturalLanguageValidationRustJavascript',
    pool: 'validation-rust-javascript.jsonl',
    queries: 'natural-language-validation-rust-javascript.jsonl',
    title: "Queries in users' words over Rust and JavaScript functions of the corpus's validation split (tools/train/validation_languages.py)",
  },
];
/** Query sets of other kinds than users' words, over each code-search set's codebases: eval/data/<name>-<set>.jsonl, written by `script`. */
const QUERY_KINDS = [
  { name: 'symbol', script: 'eval/symbol-queries.py', title: "a symbol's name", chosen: 'SYMBOL_DEFINITION_PROMOTION' },
  { name: 'message', script: 'eval/message-queries.py', title: 'a message the code prints, pasted', chosen: 'PHRASE_MATCH_PROMOTION' },
  { name: 'file', script: 'eval/file-queries.py', title: "a file's name", chosen: 'FILE_NAME_PROMOTION' },
];
/** `set`'s query sets of each kind (report key, file, script, title): its constant is chosen on validation, never on test. */
function kindsOf(set: 'validation' | 'test') {
  const Set = set[0].toUpperCase() + set.slice(1);
  return QUERY_KINDS.map(({ name, script, title, chosen }) => ({
    key: `${name}Search${Set}`,
    file: `${name}-${set}.jsonl`,
    script,
    title: `${title}, ${set} codebases (${set === 'validation' ? `${chosen} is chosen here` : 'never tuned on'})`,
  }));
}
const VALIDATION_KINDS = kindsOf('validation');
const WEIGHTS = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];
const CODE_SEARCH_SETS = {
  validation: {
    codebases: '.eval/nl-validation',
    queries: '../shared/eval/nl-validation/queries.jsonl',
    fetch: 'sh ../shared/eval/nl-validation/fetch.sh .eval/nl-validation',
    kinds: [
      VALIDATION_KINDS[0],
      { key: 'symbolSearchValidationKind', file: 'symbol-validation-kind.jsonl', script: VALIDATION_KINDS[0].script, title: 'the same names after their kind of definition (def, fn, func, function), validation codebases' },
      ...VALIDATION_KINDS.slice(1),
    ],
  },
  test: {
    codebases: '.eval/nl-test',
    queries: 'eval/nl-test/queries.jsonl',
    fetch: 'sh eval/nl-test/fetch.sh .eval/nl-test',
    kinds: kindsOf('test'),
  },
};

function codeSearchTable(title: string, results: Record<SearchMode, Record<string, SearchMetrics>>): string {
  const groups = Object.keys(results.dense).filter((g) => !g.startsWith('language:'));
  const row = (mode: SearchMode) => `| ${mode} | ${groups.map((g) => `${results[mode][g].fileMrr10.toFixed(3)} / ${results[mode][g].chunkMrr10.toFixed(3)}`).join(' | ')} | ${results[mode].all.fileRecall10.toFixed(3)} / ${results[mode].all.chunkRecall10.toFixed(3)} |`;
  const header = `| MRR@10 file / chunk | ${groups.join(' | ')} | R@10 file / chunk (all) |`;
  return [`${title} (${results.dense.all.queries} queries)`, '', header, `|${'---|'.repeat(groups.length + 2)}`, ...TABLE_MODES.map(row), ''].join('\n');
}

/** A code-search set's codebases indexed, with its queries in users' words and its queries of other kinds (names, messages). */
const log = (line: string) => console.error(line);
/** The model code search embeds with: undefined for the bundled one, as the CLI takes it. */
const queryModel = (model: string) => (model === 'models/c2llm-nano' ? undefined : model);

async function codeSearchSet(name: keyof typeof CODE_SEARCH_SETS, model: string): Promise<{ words: PreparedSet; kinds: PreparedSet[] }> {
  const set = CODE_SEARCH_SETS[name];
  if (!existsSync(set.codebases)) throw new Error(`${set.codebases}: the ${name} set's codebases are not there; fetch them first: ${set.fetch}`);
  const bundledOr = queryModel(model);
  const words = await prepareQuerySet(set, bundledOr, join('.eval', 'index', name), log);
  const kinds: PreparedSet[] = [];
  for (const { file } of set.kinds) kinds.push(await withQueries(words, join(DATA, file), bundledOr, log));
  return { words, kinds };
}

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
  const rows = TABLE_MODES.map((mode) => {
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
    options: { model: { type: 'string', default: 'models/c2llm-nano' }, limit: { type: 'string' }, out: { type: 'string', default: 'eval/results.json' }, 'validation-only': { type: 'boolean' } },
  });
  const limit = values.limit ? Number(values.limit) : Infinity;
  const validation = readPairs(join(DATA, 'validation.jsonl')).slice(0, limit);
  const test = readPairs(join(DATA, 'test.jsonl')).slice(0, limit);
  const natural = readNaturalQueries(join(DATA, 'natural-language.jsonl'), test);
  const report: Record<string, unknown> = { model: values.model, date: new Date().toISOString() };
  const lines: string[] = [];

  const started = performance.now();
  const { words: nlValidation, kinds: kindsValidation } = await codeSearchSet('validation', values.model);
  const bf16 = await loadEmbedder(values.model, 'auto');
  const validationPairs = pairsOf(validation);
  const val = await evaluate(bf16, validation, validationPairs.queries, validationPairs.gold, validationPairs.langs, WEIGHTS);
  const valNatural: Awaited<ReturnType<typeof evaluate>>[] = [];
  for (const set of NATURAL_VALIDATION) {
    const pool = set.pool === 'validation.jsonl' ? validation : readPairs(join(DATA, set.pool)).slice(0, limit);
    const natural = readNaturalQueries(join(DATA, set.queries), pool);
    valNatural.push(await evaluate(bf16, pool, natural.queries, natural.gold, natural.langs, WEIGHTS));
  }
  // The weight: the best in users' words among those where hybrid does not lose to its better half on the
  // docstring validation split, nor on any set of queries in users' words over validation functions (all
  // validation data; the test sets are never looked at).
  const sweep = WEIGHTS.map((weight, i) => ({
    weight,
    mrr10: searchQuerySet(nlValidation, 'hybrid', weight).all.fileMrr10,
    docstringMrr10: val.hybrid[i].all.mrr10,
    naturalMrr10: valNatural.map((r) => r.hybrid[i].all.mrr10),
  }));
  const floor = (r: typeof val) => Math.max(r.dense.all.mrr10, r.lexical.all.mrr10);
  const allowed = sweep.filter((s) => s.docstringMrr10 >= floor(val) && valNatural.every((r, k) => s.naturalMrr10[k] >= floor(r)));
  const best = (allowed.length > 0 ? allowed : sweep).reduce((a, b) => (b.mrr10 > a.mrr10 ? b : a));
  const sides = (r: typeof val) => `MRR@10; dense ${r.dense.all.mrr10.toFixed(3)}, BM25 ${r.lexical.all.mrr10.toFixed(3)}`;
  lines.push(`Hybrid weight sweep on the code-search validation set (file-level MRR@10): ${sweep.map((s) => `${s.weight}: ${s.mrr10.toFixed(3)}`).join(', ')}`);
  lines.push(`The same weights on the docstring validation split (${sides(val)}): ${sweep.map((s) => `${s.weight}: ${s.docstringMrr10.toFixed(3)}`).join(', ')}`);
  NATURAL_VALIDATION.forEach((set, k) => lines.push(`The same weights, ${set.title} (${sides(valNatural[k])}): ${sweep.map((s) => `${s.weight}: ${s.naturalMrr10[k].toFixed(3)}`).join(', ')}`));
  lines.push(`Chosen: ${best.weight}, the best in users' words of the weights where hybrid is at or above dense and BM25 on all of these${allowed.length === 0 ? ' (none is: the best in users\' words)' : ''}${best.weight === DEFAULT_LEXICAL_WEIGHT ? ', the product default (DEFAULT_LEXICAL_WEIGHT)' : `; the product default DEFAULT_LEXICAL_WEIGHT is ${DEFAULT_LEXICAL_WEIGHT}: set it to ${best.weight}`}`, '');
  report.hybridSweep = sweep;
  report.hybridWeight = best.weight;
  const pick = (r: Awaited<ReturnType<typeof evaluate>>, i: number): ModeMetrics => ({ dense: r.dense, lexical: r.lexical, hybrid: r.hybrid[i] });
  report.validation = pick(val, WEIGHTS.indexOf(best.weight));
  NATURAL_VALIDATION.forEach((set, k) => (report[set.key] = pick(valNatural[k], WEIGHTS.indexOf(best.weight))));
  const codeSearch = (set: PreparedSet) => ({ dense: searchQuerySet(set, 'dense'), lexical: searchQuerySet(set, 'lexical'), hybrid: searchQuerySet(set, 'hybrid', best.weight) });
  /** The query sets of other kinds of a code-search set: each its report key and table. */
  const kindTables = (name: keyof typeof CODE_SEARCH_SETS, sets: readonly PreparedSet[]) =>
    CODE_SEARCH_SETS[name].kinds.forEach(({ key, file, script, title }, i) => {
      report[key] = codeSearch(sets[i]);
      lines.push(codeSearchTable(`Code search by ${title} (eval/data/${file}, ${script})`, report[key] as Record<SearchMode, Record<string, SearchMetrics>>));
    });
  report.codeSearchValidation = codeSearch(nlValidation);
  lines.push(codeSearchTable('Code search in users\' words, validation (../shared/eval/nl-validation; the weight is chosen here)', report.codeSearchValidation as Record<SearchMode, Record<string, SearchMetrics>>));
  kindTables('validation', kindsValidation);
  /** Search as you type (eval/typing.ts) over a code-search set's queries in users' words. */
  const typing = async (key: string, title: string, set: PreparedSet) => {
    const rows = await typingRows(set, queryModel(values.model), oneTokenOf((text) => bf16.tokenize(text)), best.weight, log);
    report[key] = rows;
    lines.push(typingTable(title, rows));
  };
  await typing('typingValidation', 'Search as you type, validation (COMPLETION_MIN_CHARS and CORRECTION_MIN_LETTERS are chosen here)', nlValidation);
  /** Queries in the forms people type them (eval/query-forms.ts) over a code-search set's queries in users' words. */
  const queryForms = async (key: string, title: string, set: PreparedSet) => {
    const rows = await queryFormRows(set, queryModel(values.model), best.weight, log);
    report[key] = rows;
    lines.push(queryFormTable(title, rows));
  };
  await queryForms('queryFormsValidation', 'Queries typed as requests and sentences, validation (query-form.ts\'s rules are chosen here)', nlValidation);
  /** The line each result is shown from (eval/shown-lines.ts) for a code-search set's queries in users' words. */
  const shownLines = (key: string, title: string, set: PreparedSet) => {
    const row = shownLineRow(set, best.weight);
    report[key] = row;
    lines.push(shownLineTable(title, row));
  };
  shownLines('shownLinesValidation', 'The line a result is shown from, validation (query-matches.ts\'s focusLine is chosen here)', nlValidation);
  /** Queries that name their code's language (eval/language-mention.ts), in one index of a set's codebases and in each's own. */
  const languageMention = async (key: string, title: string, set: PreparedSet) => {
    const rows = await languageMentionRows(set, queryModel(values.model), best.weight, log);
    report[key] = rows;
    lines.push(languageMentionTable(title, rows));
  };
  await languageMention('languageMentionValidation', 'Queries that name their language, validation (language-query.ts\'s forms are chosen here)', nlValidation);
  /** Places pasted from tools' output (eval/place-queries.ts), over a code-search set's file queries. */
  const places = async (key: string, title: string, set: PreparedSet, name: keyof typeof CODE_SEARCH_SETS) => {
    const rows = await placeRows(set, join(DATA, `file-${name}.jsonl`), CODE_SEARCH_SETS[name].codebases, queryModel(values.model), best.weight, log);
    report[key] = rows;
    lines.push(placeTable(title, rows));
  };
  await places('placeSearchValidation', 'Places pasted from compilers and stack traces, validation', nlValidation, 'validation');
  /** Queries that ask where a symbol is used (eval/usage-queries.ts), over a code-search set's symbol queries. */
  const usages = async (key: string, title: string, set: PreparedSet, name: keyof typeof CODE_SEARCH_SETS) => {
    const rows = await usageRows(set, join(DATA, `symbol-${name}.jsonl`), CODE_SEARCH_SETS[name].codebases, queryModel(values.model), best.weight, log);
    report[key] = rows;
    lines.push(usageTable(title, rows));
  };
  await usages('usageSearchValidation', 'Where a symbol is used or defined, validation (USAGE_PROMOTION is chosen here)', nlValidation, 'validation');
  lines.push(table('Validation split (docstring queries)', report.validation as ModeMetrics));
  NATURAL_VALIDATION.forEach((set) => lines.push(table(set.title, report[set.key] as ModeMetrics)));
  if (values['validation-only']) {
    console.log(lines.join('\n'));
    bf16.dispose();
    return;
  }
  const codeSearchTest = await codeSearchSet('test', values.model);
  report.codeSearchTest = codeSearch(codeSearchTest.words);
  lines.push(codeSearchTable('Code search in users\' words, test (eval/nl-test; never tuned on)', report.codeSearchTest as Record<SearchMode, Record<string, SearchMetrics>>));
  kindTables('test', codeSearchTest.kinds);
  await typing('typingTest', 'Search as you type, test (never tuned on)', codeSearchTest.words);
  await queryForms('queryFormsTest', 'Queries typed as requests and sentences, test (never tuned on)', codeSearchTest.words);
  shownLines('shownLinesTest', 'The line a result is shown from, test (never tuned on)', codeSearchTest.words);
  await languageMention('languageMentionTest', 'Queries that name their language, test (never tuned on)', codeSearchTest.words);
  await places('placeSearchTest', 'Places pasted from compilers and stack traces, test (never tuned on)', codeSearchTest.words, 'test');
  await usages('usageSearchTest', 'Where a symbol is used or defined, test (never tuned on)', codeSearchTest.words, 'test');

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
