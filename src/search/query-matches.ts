/**
 * Where a query's words appear in a chunk's text, compared as lexical search compares them
 * (lexical-tokens.ts: identifiers split at camelCase and snake_case, lowercased, a final s dropped, the
 * query's function words left out, words of one letter ignored), so "parse the headers" finds
 * `parseHeader` and not "the". The search box marks them in its excerpt; the CLI shows the line.
 */
import { IDENTIFIER, lexicalTokens, queryWords } from './lexical-tokens';

/** Whether an identifier of the text holds a word of `query`. */
export function queryMatcher(query: string): (identifier: string) => boolean {
  const wanted = new Set(queryWords(query).filter((word) => word.length > 1));
  return (identifier) => lexicalTokens(identifier).some((t) => wanted.has(t));
}

/** The index of the first of `lines` that holds a word of the query (`matches`), -1 when none does. */
export function firstMatchingLine(lines: readonly string[], matches: (identifier: string) => boolean): number {
  return lines.findIndex((line) => [...line.matchAll(IDENTIFIER)].some(([word]) => matches(word)));
}
