/**
 * Code search in users' words, measured the way a user meets it: each codebase of a query set is indexed
 * by `c2llm index` (in process: the CLI's own indexing, chunker and model) and searched through
 * CodeIndex.search, dense / BM25 / hybrid, each query first read as the CLI reads it (a language it names
 * is its filter: language-query.ts). A query set is a folder of codebases (DIR/<id>/) and a
 * queries.jsonl of {codebase, language, query, targets: [paths], lines: [start, end]}
 * (../shared/eval/nl-validation's format). Metrics, overall, per codebase and per language:
 *   file level   MRR@10 and R@10 over the distinct files of the results, best first: a hit is a file
 *                among `targets`;
 *   chunk level  MRR@10 and R@10 over the results as returned: a hit is a chunk of the first target
 *                whose lines overlap `lines`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexCommand } from '../src/cli/index-command';
import { loadEmbedder, modelChoice } from '../src/cli/load-model';
import { readIndexFile } from '../src/node/read-index';
import { CodeIndex, type CodeSearchResult } from '../src/search/code-index';
import { searchedAs } from '../src/search/language-query';
import type { SearchMode } from '../src/search/ranking';
import type { SearchFilter } from '../src/search/search-filter';

export interface CodeSearchQuery {
  readonly codebase: string;
  readonly language: string;
  readonly query: string;
  readonly targets: readonly string[];
  readonly lines: readonly [number, number];
}

export interface SearchMetrics {
  readonly queries: number;
  readonly fileMrr10: number;
  readonly fileRecall10: number;
  readonly chunkMrr10: number;
  readonly chunkRecall10: number;
}

export function readQueries(file: string): CodeSearchQuery[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as CodeSearchQuery);
}

/** The 1-based rank of the first hit within the top 10 (0 when none), at file and at chunk level. */
export function hitRanks(query: CodeSearchQuery, results: readonly CodeSearchResult[]): { file: number; chunk: number } {
  const files = [...new Set(results.map((r) => r.path))].slice(0, 10);
  const [start, end] = query.lines;
  const chunk = results.slice(0, 10).findIndex((r) => r.path === query.targets[0] && r.startLine <= end && r.endLine >= start);
  return { file: files.findIndex((p) => query.targets.includes(p)) + 1, chunk: chunk + 1 };
}

function summarise(ranks: readonly { file: number; chunk: number }[]): SearchMetrics {
  const n = Math.max(1, ranks.length);
  const mrr = (r: number) => (r > 0 ? 1 / r : 0);
  return {
    queries: ranks.length,
    fileMrr10: ranks.reduce((s, r) => s + mrr(r.file), 0) / n,
    fileRecall10: ranks.filter((r) => r.file > 0).length / n,
    chunkMrr10: ranks.reduce((s, r) => s + mrr(r.chunk), 0) / n,
    chunkRecall10: ranks.filter((r) => r.chunk > 0).length / n,
  };
}

/** Metrics overall ('all'), per codebase and per language (keys `language:<name>`). */
export function metricsByGroup(queries: readonly CodeSearchQuery[], ranks: readonly { file: number; chunk: number }[]): Record<string, SearchMetrics> {
  const out: Record<string, SearchMetrics> = { all: summarise(ranks) };
  const groups = new Map<string, number[]>();
  queries.forEach((q, i) => {
    for (const key of [q.codebase, `language:${q.language}`]) groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const [key, ids] of [...groups].sort()) out[key] = summarise(ids.map((i) => ranks[i]));
  return out;
}

/** A query set's codebases indexed with `model` (undefined: the bundled one) into `workDir`, and its queries' vectors. */
export async function prepareQuerySet(set: { codebases: string; queries: string }, model: string | undefined, workDir: string, log: (line: string) => void) {
  const queries = readQueries(set.queries);
  const ids = [...new Set(queries.map((q) => q.codebase))].sort();
  mkdirSync(workDir, { recursive: true });
  const indexes = new Map<string, CodeIndex>();
  for (const id of ids) {
    const output = join(workDir, `${id}.c2idx`);
    await indexCommand([join(set.codebases, id), '--output', output, '--device', 'cpu', ...(model ? ['--model', model] : [])], () => undefined);
    indexes.set(id, new CodeIndex(await readIndexFile(output)));
  }
  return withQueries({ indexes }, set.queries, model, log);
}

export interface PreparedSet {
  readonly queries: readonly CodeSearchQuery[];
  readonly indexes: ReadonlyMap<string, CodeIndex>;
  /** Each query as its index searches it (language-query.ts's searchedAs: a language it names is its filter). */
  readonly searches: readonly { readonly query: string; readonly filter?: SearchFilter }[];
  readonly vectors: readonly Float32Array[];
}

/** Another query set over the codebases `set` has indexed: its queries read from `file` and embedded with `model`. */
export async function withQueries(set: Pick<PreparedSet, 'indexes'>, file: string, model: string | undefined, log: (line: string) => void): Promise<PreparedSet> {
  return withQueryList(set, readQueries(file), file, model, log);
}

/** How a query is read before it is embedded and searched: as the product reads it, or (for a baseline) as words only. */
export type QueryReading = (query: string, index: CodeIndex) => { readonly query: string; readonly filter?: SearchFilter };
const AS_THE_PRODUCT: QueryReading = (query, index) => searchedAs(query, undefined, index);

/** As withQueries, for queries in hand (`name` names them in messages). */
export async function withQueryList(
  set: Pick<PreparedSet, 'indexes'>,
  queries: readonly CodeSearchQuery[],
  name: string,
  model: string | undefined,
  log: (line: string) => void,
  read: QueryReading = AS_THE_PRODUCT,
): Promise<PreparedSet> {
  const missing = queries.find((q) => !set.indexes.has(q.codebase));
  if (missing) throw new Error(`${name}: codebase "${missing.codebase}" is not one of the set's (${[...set.indexes.keys()].join(', ')})`);
  const searches = queries.map((q) => read(q.query, set.indexes.get(q.codebase)!));
  const embedder = await loadEmbedder(await modelChoice({ model, device: 'cpu' }), log);
  const vectors = await embedder.embed(searches.map((s) => s.query), { kind: 'query' });
  embedder.dispose();
  const chunks = [...new Set(queries.map((q) => q.codebase))].reduce((n, id) => n + set.indexes.get(id)!.size, 0);
  log(`${name}: ${queries.length} queries over ${new Set(queries.map((q) => q.codebase)).size} codebases (${chunks} chunks)`);
  return { queries, indexes: set.indexes, searches, vectors };
}

/** The modes of the eval's tables, in their column order. */
export const TABLE_MODES: readonly SearchMode[] = ['dense', 'lexical', 'hybrid'];

/** A prepared set's metrics over all its queries in each mode (hybrid with lexical weight `weight`). */
export function overallByMode(set: PreparedSet, weight?: number): Record<SearchMode, SearchMetrics> {
  return Object.fromEntries(TABLE_MODES.map((mode) => [mode, searchQuerySet(set, mode, weight).all])) as Record<SearchMode, SearchMetrics>;
}

/** Every query of a prepared set searched in `mode` (hybrid with lexical weight `weight`), with its metrics. */
export function searchQuerySet(set: PreparedSet, mode: SearchMode, weight?: number): Record<string, SearchMetrics> {
  const ranks = set.queries.map((q, i) => hitRanks(q, set.indexes.get(q.codebase)!.search({ ...set.searches[i], vector: set.vectors[i], text: set.searches[i].query }, 10, mode, weight)));
  return metricsByGroup(set.queries, ranks);
}
