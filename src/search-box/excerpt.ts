/**
 * A result's excerpt for the search box: at most EXCERPT_LINES lines of the chunk, from the first line
 * that holds a word of the query (else from the top), cut into pieces with the query's words marked.
 * Words (of two letters or more) are compared as lexical search compares them (lexical-tokens.ts: identifiers split at camelCase
 * and snake_case, lowercased, a final s dropped, the query's function words left out), so "parse the headers" marks
 * `parseHeader` and not "the".
 */
import { lexicalTokens, queryWords } from '../search/lexical-tokens';

export const EXCERPT_LINES = 8;
const IDENTIFIER = /[\p{L}\p{N}_]+/gu;

export interface ExcerptPiece {
  readonly text: string;
  readonly marked: boolean;
}

export function excerpt(text: string, query: string): ExcerptPiece[] {
  const wanted = new Set(queryWords(query).filter((word) => word.length > 1));
  const hits = (word: string) => lexicalTokens(word).some((t) => wanted.has(t));
  const lines = text.split('\n');
  const first = Math.max(0, lines.findIndex((line) => [...line.matchAll(IDENTIFIER)].some(([word]) => hits(word))));
  const shown = lines.slice(first, first + EXCERPT_LINES).join('\n');
  const pieces: ExcerptPiece[] = [];
  let at = 0;
  for (const match of shown.matchAll(IDENTIFIER)) {
    if (!hits(match[0])) continue;
    if (match.index > at) pieces.push({ text: shown.slice(at, match.index), marked: false });
    pieces.push({ text: match[0], marked: true });
    at = match.index + match[0].length;
  }
  if (at < shown.length) pieces.push({ text: shown.slice(at), marked: false });
  return pieces;
}
