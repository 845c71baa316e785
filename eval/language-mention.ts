/**
 * Queries that name their code's language ("… in rust"), measured where that matters: in one index of all
 * a code-search set's codebases (merged in memory, each file's path under its codebase's name), as
 * someone searches a repository of several languages, and in each codebase's own index, where the name
 * should cost nothing. The language is the query's codebase's, as the set names it ('c++', 'typescript').
 * Rows: the queries as written; with "in <language>" after them, as the product reads them (the
 * language is the search's filter: src/search/language-query.ts) and, for a baseline, read as words;
 * and, in one index, those queries with a word that goes on describing the code ("… with …", "… that
 * …") after two words at least, with "in <language>" put before it ("parse a date in rust without
 * allocating"), beside the same queries as written and as words.
 * Dense / BM25 / hybrid file MRR@10 and hybrid chunk MRR@10.
 */
import { CodeIndex } from '../src/search/code-index';
import { mergeIndexData } from '../src/search/index-build';
import type { SearchMode } from '../src/search/ranking';
import { overallByMode, TABLE_MODES, withQueryList, type CodeSearchQuery, type PreparedSet, type QueryReading, type SearchMetrics } from './code-search';

export interface LanguageMentionRow {
  readonly index: 'one index of every codebase' | "each codebase's own index";
  readonly form: string;
  readonly metrics: Record<SearchMode, SearchMetrics>;
}

const AS_WORDS: QueryReading = (query) => ({ query });

/** A query's first word that goes on describing the code, after two words at least: where "in <language>" goes mid-sentence. */
const GOES_ON = /^(\S+\s+\S+.*?)(\s+(?:with|without|using|that|which|when|for|by)\s+\S.*)$/is;

/** One index of every codebase of `set`, and its queries with their targets' paths under their codebase's name. */
function oneIndex(set: PreparedSet): { indexes: Map<string, CodeIndex>; queries: CodeSearchQuery[] } {
  const parts = [...set.indexes].map(([id, index]) => ({ name: id, data: { ...index.data, files: index.data.files.map((f) => ({ ...f, path: `${id}/${f.path}` })) } }));
  const merged = new CodeIndex(mergeIndexData(parts));
  const queries = set.queries.map((q) => ({ ...q, codebase: 'all', targets: q.targets.map((t) => `${q.codebase}/${t}`) }));
  return { indexes: new Map([['all', merged]]), queries };
}

export async function languageMentionRows(set: PreparedSet, model: string | undefined, weight: number, log: (line: string) => void): Promise<LanguageMentionRow[]> {
  const named = (queries: readonly CodeSearchQuery[]) => queries.map((q) => ({ ...q, query: `${q.query} in ${q.language}` }));
  const measure = (prepared: PreparedSet) => overallByMode(prepared, weight);
  const all = oneIndex(set);
  const goingOn = all.queries.filter((q) => GOES_ON.test(q.query));
  const namedMid = goingOn.map((q) => ({ ...q, query: q.query.replace(GOES_ON, `$1 in ${q.language}$2`) }));
  const mid = `${goingOn.length} queries that go on after two words`;
  return [
    { index: 'one index of every codebase', form: 'as written', metrics: measure(await withQueryList(all, all.queries, 'queries in one index', model, log)) },
    { index: 'one index of every codebase', form: '"… in <language>", read as words', metrics: measure(await withQueryList(all, named(all.queries), 'queries naming their language, as words', model, log, AS_WORDS)) },
    { index: 'one index of every codebase', form: '"… in <language>"', metrics: measure(await withQueryList(all, named(all.queries), 'queries naming their language', model, log)) },
    { index: 'one index of every codebase', form: `${mid}, as written`, metrics: measure(await withQueryList(all, goingOn, 'queries that go on', model, log)) },
    { index: 'one index of every codebase', form: `${mid}, "in <language>" mid-sentence, read as words`, metrics: measure(await withQueryList(all, namedMid, 'queries naming their language mid-sentence, as words', model, log, AS_WORDS)) },
    { index: 'one index of every codebase', form: `${mid}, "in <language>" mid-sentence`, metrics: measure(await withQueryList(all, namedMid, 'queries naming their language mid-sentence', model, log)) },
    { index: "each codebase's own index", form: 'as written', metrics: measure(set) },
    { index: "each codebase's own index", form: '"… in <language>"', metrics: measure(await withQueryList(set, named(set.queries), 'queries naming their language, own index', model, log)) },
  ];
}

export function languageMentionTable(title: string, rows: readonly LanguageMentionRow[]): string {
  return [
    `${title}: file MRR@10 dense / BM25 / hybrid, hybrid chunk MRR@10`,
    '',
    '| index | queries typed | dense | BM25 | hybrid | hybrid chunk |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.index} | ${r.form} | ${TABLE_MODES.map((m) => r.metrics[m].fileMrr10.toFixed(3)).join(' | ')} | ${r.metrics.hybrid.chunkMrr10.toFixed(3)} |`),
    '',
  ].join('\n');
}
