/**
 * The line a result is shown from, measured. For each query in users' words of a code-search set, the
 * first of its hybrid results (of 10) that holds the answer's lines (a chunk of its first target that
 * overlaps `lines`) is found, and in it the line that `c2llm search` shows and the search box's excerpt
 * starts at (query-matches.ts's focusLine): whether that line lies within the answer's lines, and whether
 * it is their first (where the answer's definition begins).
 */
import { focusLine } from '../src/search/query-matches';
import type { PreparedSet } from './code-search';

export interface ShownLineRow {
  /** Queries whose answer's lines are in a result of the first 10. */
  readonly results: number;
  /** The share of those results shown from a line within the answer's lines. */
  readonly inAnswer: number;
  /** The share shown from the answer's first line. */
  readonly atAnswerStart: number;
}

/** The row of a prepared set, hybrid at lexical weight `weight`. */
export function shownLineRow(set: PreparedSet, weight: number): ShownLineRow {
  let results = 0;
  let inAnswer = 0;
  let atAnswerStart = 0;
  set.queries.forEach((q, i) => {
    const search = set.searches[i];
    const found = set.indexes.get(q.codebase)!.search({ ...search, vector: set.vectors[i], text: search.query }, 10, 'hybrid', weight);
    const [start, end] = q.lines;
    const answer = found.find((r) => r.path === q.targets[0] && r.startLine <= end && r.endLine >= start && r.text !== undefined);
    if (answer === undefined) return;
    results++;
    const at = focusLine(answer.text!.split('\n'), q.query, answer); // as `c2llm search` shows it: the query as typed
    const line = at < 0 ? -1 : answer.startLine + at;
    if (line >= start && line <= end) inAnswer++;
    if (line === start) atAnswerStart++;
  });
  return { results, inAnswer: inAnswer / Math.max(1, results), atAnswerStart: atAnswerStart / Math.max(1, results) };
}

export function shownLineTable(title: string, row: ShownLineRow): string {
  return [
    `${title}: in the first hybrid result that holds the answer's lines (${row.results} queries), the line shown`,
    '',
    '| lies in the answer | is the answer\'s first line |',
    '|---|---|',
    `| ${row.inAnswer.toFixed(3)} | ${row.atAnswerStart.toFixed(3)} |`,
    '',
  ].join('\n');
}
