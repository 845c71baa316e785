/**
 * A result's excerpt for the search box: at most EXCERPT_LINES lines of the chunk, from the line
 * query-matches.ts's focusLine gives (the line of a place the query names, the definition of a name the query is, else the
 * definition that holds most of the query's words, else the top), cut into pieces with the query's words marked
 * (query-matches.ts: "parse the headers" marks `parseHeader` and not "the"), and where it starts (a
 * result's link may name that line: result-link.ts's {line}).
 */
import { focusLine, markedPieces, queryMatcher, type MarkedPiece, type ShownChunk } from '../search/query-matches';

export const EXCERPT_LINES = 8;

export interface Excerpt {
  /** The index in the chunk's lines of the excerpt's first line (0 for the chunk's first). */
  readonly first: number;
  readonly pieces: readonly MarkedPiece[];
}

/** `chunk`: the result's file, language and first line, so that a place the query names (`src/mux.go:120`) is shown from its line, and a name's use from code, not a comment. */
export function excerpt(text: string, query: string, chunk?: ShownChunk): Excerpt {
  const lines = text.split('\n');
  const first = Math.max(0, focusLine(lines, query, chunk));
  return { first, pieces: markedPieces(lines.slice(first, first + EXCERPT_LINES).join('\n'), queryMatcher(query)) };
}
