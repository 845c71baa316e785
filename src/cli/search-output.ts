/**
 * What `c2llm search` prints of its results (search-command.ts ranks them): the readable listing (each
 * result with the line of it that best shows the query, query-matches.ts's focusLine, else its first line
 * that is not blank, and that line's number, with as many lines of the chunk around it as --context asks,
 * numbered as grep -C numbers them; what the search did to the query; no results said so, with why), one
 * line per result as grep -n prints a match (--vimgrep), and the notes that say how a query was searched.
 * Control characters from paths, texts or queries are shown as escapes, so that an index cannot move the
 * cursor or rewrite the terminal; on a terminal, the query's words in the lines shown are marked
 * (terminal-marks.ts).
 */
import type { CodeSearchResult } from '../search/code-index';
import type { searchedAs } from '../search/language-query';
import { focusLine, queryMatcher, type ShownChunk } from '../search/query-matches';
import type { SearchMode } from '../search/ranking';
import { describeFilter, narrows, type SearchFilter } from '../search/search-filter';
import { printable } from '../text/control-characters';
import { withMarks } from './terminal-marks';

/** How much of a line the listing shows, from its code's first character. */
const SHOWN_WIDTH = 100;

/** A result's line to show: query-matches.ts's focusLine, else the first that is not blank; its number in the file, its text and its place among the chunk's `lines`. */
function shownLine(text: string, chunk: ShownChunk, query: string): { readonly line: number; readonly text: string; readonly at: number; readonly lines: readonly string[] } | undefined {
  const lines = text.split('\n');
  const hit = focusLine(lines, query, chunk);
  const at = hit >= 0 ? hit : lines.findIndex((l) => l.trim() !== '');
  return at < 0 ? undefined : { line: chunk.startLine + at, text: lines[at], at, lines };
}

/**
 * The shown line (`94: code`) with up to `context` lines of its chunk before and after it (`93- code`, as
 * grep -C marks them), their common indentation taken off, each cut at SHOWN_WIDTH characters.
 */
function shownLines(shown: NonNullable<ReturnType<typeof shownLine>>, context: number): string[] {
  const first = Math.max(0, shown.at - context);
  const window = shown.lines.slice(first, shown.at + context + 1);
  const indent = Math.min(...window.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return window.map((l, i) => {
    const line = shown.line - shown.at + first + i;
    const code = l.slice(indent).trimEnd().slice(0, SHOWN_WIDTH);
    return `${line}${line === shown.line ? ':' : '-'}${code ? ` ${code}` : ''}`;
  });
}

/**
 * One result as grep -n and ripgrep's --vimgrep print a match: path, the number of its line that best shows
 * the query (its first without the chunk's text), the column where that line's code begins, and the line
 * (control characters shown as escapes).
 */
export function grepLine(r: CodeSearchResult, query: string): string {
  const shown = r.text === undefined ? undefined : shownLine(r.text, r, query);
  const column = shown ? shown.text.length - shown.text.trimStart().length + 1 : 1;
  return `${printable(r.path)}:${shown?.line ?? r.startLine}:${column}:${printable(shown?.text ?? '')}`;
}

/**
 * Why a query has no results: only an empty index, a filter that keeps no chunk, or lexical search with
 * no chunk holding a word of the query gives none.
 */
export function noResults(indexSize: number, mode: SearchMode, filter: SearchFilter): string {
  const where = narrows(filter) ? ` ${describeFilter(filter)}` : '';
  if (indexSize === 0) return 'no results: the index holds no chunks';
  return mode === 'lexical' ? `no results: no chunk${where} holds a word of the query` : `no results: no file of the index is${where}`;
}

/** A query as it was searched: the language it names, which the search kept to (language-query.ts), and its words corrected from the index's, where they were. */
export type Searched = ReturnType<typeof searchedAs> & { readonly corrected?: string };

/** The words a query was searched for: as typed, less a language's name it named, misspelt words corrected. */
export const wordsSearched = (searched: Searched): string => searched.corrected ?? searched.query;

/** What a search did to the query as typed, each in words: searched in the language it names, searched with misspelt words corrected. */
export function searchNotes({ named, query, corrected }: Searched): string[] {
  return [
    ...(named ? [`searched in ${named}, as the query names; --language chooses another, quotes keep the words`] : []),
    ...(corrected !== undefined && corrected !== query ? [`searched as "${printable(corrected)}", each misspelt word as the index's commonest word one typo away; quotes keep the words`] : []),
  ];
}

/** `searched`: how the query was searched (searchNotes); `marked`: the query's words marked in each line shown (terminal-marks.ts); `context`: the lines shown before and after each result's line. */
export function listing(query: string, results: readonly CodeSearchResult[], why: () => string, searched: Searched, marked: boolean, context = 0): string {
  const lines = [printable(query), ...searchNotes(searched).map((note) => `  (${note})`)];
  if (results.length === 0) lines.push(`  ${printable(why())}`);
  const words = wordsSearched(searched);
  const matches = queryMatcher(words);
  results.forEach((r, i) => {
    lines.push(`${String(i + 1).padStart(3)}. ${printable(r.path)}${r.anchor ? `#${printable(r.anchor)}` : ''}:${r.startLine}-${r.endLine}  (${r.score.toFixed(3)})`);
    const shown = r.text === undefined ? undefined : shownLine(r.text, r, words);
    for (const line of shown ? shownLines(shown, context).map(printable) : []) lines.push(`       ${marked ? withMarks(line, matches) : line}`);
  });
  return lines.join('\n');
}
