/**
 * Places pasted from tools' output, measured: each file query of a code-search set (eval/data/file-*.jsonl,
 * a file by the shortest end of its path) given the line 60% of the way down its file, in the forms
 * compilers, linters and stack traces print, as a link to the line on GitHub or its fragment alone, and
 * typed (`mux.go line 120`) (src/search/path-query.ts reads them). File MRR@10 and
 * chunk MRR@10, where a chunk is a hit when it holds the line; dense / BM25 / hybrid (hybrid lists the
 * chunks at the line first). A line between two chunks (a blank one) is held by neither: the nearest
 * come first, and count as misses here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchMode } from '../src/search/ranking';
import { overallByMode, readQueries, TABLE_MODES, withQueryList, type CodeSearchQuery, type PreparedSet, type SearchMetrics } from './code-search';

const FORMS: readonly { readonly name: string; readonly form: (q: CodeSearchQuery) => string }[] = [
  { name: 'path:line (the file query\'s end of path)', form: (q) => `${q.query}:${q.lines[0]}` },
  { name: 'a full path from elsewhere, with a column', form: (q) => `/home/dev/${q.codebase}/${q.targets[0]}:${q.lines[0]}:7` },
  { name: 'tsc: path(line,col): error …', form: (q) => `${q.targets[0]}(${q.lines[0]},5): error TS2322: Type 'string' is not assignable` },
  { name: 'a Python traceback\'s frame', form: (q) => `File "/home/dev/${q.codebase}/${q.targets[0]}", line ${q.lines[0]}, in handle` },
  { name: 'a JavaScript stack frame', form: (q) => `    at handle (/home/dev/${q.codebase}/${q.targets[0]}:${q.lines[0]}:13)` },
  { name: 'a link to the line on GitHub', form: (q) => `https://github.com/dev/${q.codebase}/blob/main/${q.targets[0]}#L${q.lines[0]}-L${q.lines[0] + 4}` },
  { name: 'typed: path line N (the file query\'s end of path)', form: (q) => `${q.query} line ${q.lines[0]}` },
  { name: 'a link\'s fragment alone: path#LN', form: (q) => `${q.targets[0]}#L${q.lines[0]}` },
];

export interface PlaceRow {
  readonly form: string;
  readonly metrics: Record<SearchMode, SearchMetrics>;
}

/** The rows: each form over `fileQueries` (a file-*.jsonl) of `set`, whose codebases are under `codebases`. */
export async function placeRows(set: PreparedSet, fileQueries: string, codebases: string, model: string | undefined, weight: number, log: (line: string) => void): Promise<PlaceRow[]> {
  const atLine = readQueries(fileQueries).map((q) => {
    const line = Math.max(1, Math.ceil(readFileSync(join(codebases, q.codebase, q.targets[0]), 'utf8').split('\n').length * 0.6));
    return { ...q, lines: [line, line] as const };
  });
  const rows: PlaceRow[] = [];
  for (const { name, form } of FORMS) {
    const prepared = await withQueryList(set, atLine.map((q) => ({ ...q, query: form(q) })), `places: ${name}`, model, log);
    rows.push({ form: name, metrics: overallByMode(prepared, weight) });
  }
  return rows;
}

export function placeTable(title: string, rows: readonly PlaceRow[]): string {
  return [
    `${title}: file / chunk MRR@10 (a chunk holding the line)`,
    '',
    '| place pasted | dense | BM25 | hybrid |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.form} | ${TABLE_MODES.map((m) => `${r.metrics[m].fileMrr10.toFixed(3)} / ${r.metrics[m].chunkMrr10.toFixed(3)}`).join(' | ')} |`),
    '',
  ].join('\n');
}
