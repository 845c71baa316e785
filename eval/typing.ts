/**
 * Search as you type, measured: the queries in users' words of a code-search set with their last word cut
 * to its first `chars` characters (the queries whose last word is longer), as a search box ranks them at a
 * pause in typing. Hybrid file and chunk MRR@10 as typed, with the word completed from each codebase's
 * index (CodeIndex.complete, src/search/query-completion.ts), and with the word whole.
 */
import { searchQuerySet, withQueryList, type CodeSearchQuery, type PreparedSet, type SearchMetrics } from './code-search';

/** The lengths a last word is cut to: COMPLETION_MIN_CHARS - 1 (not completed) and from it on. */
export const TYPED_CHARS = [2, 3, 4];

export interface TypingRow {
  readonly chars: number;
  readonly typed: SearchMetrics;
  readonly completed: SearchMetrics;
  readonly whole: SearchMetrics;
}

/** The query with its last word cut to `chars` characters; undefined where that word is not longer. */
function cut(query: string, chars: number): string | undefined {
  const [, head, last] = /^(.*\s)(\S+)$/.exec(query) ?? [];
  return last && last.length > chars ? head + [...last].slice(0, chars).join('') : undefined;
}

/** One row per length in TYPED_CHARS, hybrid at lexical weight `weight`. */
export async function typingRows(set: PreparedSet, model: string | undefined, weight: number, log: (line: string) => void): Promise<TypingRow[]> {
  const rows: TypingRow[] = [];
  for (const chars of TYPED_CHARS) {
    const whole = set.queries.filter((q) => cut(q.query, chars) !== undefined);
    const typed = whole.map((q): CodeSearchQuery => ({ ...q, query: cut(q.query, chars)! }));
    const completed = typed.map((q): CodeSearchQuery => ({ ...q, query: set.indexes.get(q.codebase)!.complete(q.query) }));
    const measure = async (queries: readonly CodeSearchQuery[], form: string) => searchQuerySet(await withQueryList(set, queries, `last word cut to ${chars} (${form})`, model, log), 'hybrid', weight).all;
    rows.push({ chars, typed: await measure(typed, 'typed'), completed: await measure(completed, 'completed'), whole: await measure(whole, 'whole') });
  }
  return rows;
}

export function typingTable(title: string, rows: readonly TypingRow[]): string {
  const cell = (m: SearchMetrics) => `${m.fileMrr10.toFixed(3)} / ${m.chunkMrr10.toFixed(3)}`;
  return [
    `${title}: hybrid file / chunk MRR@10`,
    '',
    '| last word cut to | queries | as typed | completed | whole |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.chars} characters | ${r.typed.queries} | ${cell(r.typed)} | ${cell(r.completed)} | ${cell(r.whole)} |`),
    '',
  ].join('\n');
}
