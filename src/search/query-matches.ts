/**
 * Where a query's words appear in a chunk's text, compared as lexical search compares them
 * (lexical-tokens.ts: identifiers split at camelCase and snake_case, lowercased, a final s dropped, the
 * query's function words left out, words of one letter ignored), so "parse the headers" finds
 * `parseHeader` and not "the". The search box and the demo mark them (markedPieces), as the CLI does on a
 * terminal; the CLI shows the line (for a
 * query that names a place, that line; for one that asks where a name is used, its first use; for one
 * that is a name, the line that defines it; for one that quotes the code, the line that holds it; for a
 * description, the definition that holds most of its words).
 */
import { IDENTIFIER, lexicalTokens, queryWords } from './lexical-tokens';
import { filesNamed, placesOfQuery } from './path-query';
import { passageLine } from './phrase-query';
import { definesAName, definitionLine, symbolOfQuery } from './symbol-query';
import { usageOfQuery, useLine } from './usage-query';

/** The words of `query` a text is searched for. */
const wordsSought = (query: string): Set<string> => new Set(queryWords(query).filter((word) => word.length > 1));

/** Whether an identifier of the text holds a word of `query`. */
export function queryMatcher(query: string): (identifier: string) => boolean {
  const wanted = wordsSought(query);
  return (identifier) => lexicalTokens(identifier).some((t) => wanted.has(t));
}

/** A piece of a text, and whether it is an identifier that holds a word of the query. */
export interface MarkedPiece {
  readonly text: string;
  readonly marked: boolean;
}

/** `text` cut into pieces, each identifier that `matches` accepts (queryMatcher) a marked piece of its own; the pieces make up the text. */
export function markedPieces(text: string, matches: (identifier: string) => boolean): MarkedPiece[] {
  const pieces: MarkedPiece[] = [];
  let at = 0;
  for (const match of text.matchAll(IDENTIFIER)) {
    if (!matches(match[0])) continue;
    if (match.index > at) pieces.push({ text: text.slice(at, match.index), marked: false });
    pieces.push({ text: match[0], marked: true });
    at = match.index + match[0].length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), marked: false });
  return pieces;
}

/**
 * The index of the line of `lines` that best shows what a description asks for: of the lines that define
 * a name (symbol-query.ts), the one that holds the most of the query's words; where none holds one, the
 * line that holds the most; the first of equals; -1 when no line holds a word of the query. A function's
 * comment and body restate the query's words, but its signature says what it is. Chosen on the
 * validation queries in users' words (`npm run eval`, "The line a result is shown from"; docs/design.md).
 */
function bestMatchingLine(lines: readonly string[], query: string): number {
  const wanted = wordsSought(query);
  const words = [...wanted];
  let best = -1;
  let bestScore = 0;
  lines.forEach((line, i) => {
    // Every lexical token is a piece of its line, lowercased without underscores: a line without any
    // of the words as a piece holds none of them, and is not split into tokens.
    const pieces = line.toLowerCase().replaceAll('_', '');
    if (!words.some((word) => pieces.includes(word))) return;
    const held = new Set(lexicalTokens(line).filter((t) => wanted.has(t))).size;
    const score = held > 0 && definesAName(line) ? held + wanted.size : held;
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  return best;
}

/** The chunk a result shows: its file's path and language, its first line, and how the comment it begins inside ends, if it does. */
export interface ShownChunk {
  readonly path: string;
  readonly language: string;
  readonly startLine: number;
  readonly openComment?: string;
}

/** The index in a chunk (its file's `path`, from `startLine`, `count` lines) of the line a place of `query` names in it; -1 when none does. */
function placedLine(query: string, chunk: { readonly path: string; readonly startLine: number }, count: number): number {
  for (const place of placesOfQuery(query)) {
    if (place.line === undefined || filesNamed(place.path, [chunk.path], place.rooted).size === 0) continue;
    const at = place.line - chunk.startLine;
    if (at >= 0 && at < count) return at;
  }
  return -1;
}

/**
 * The line a result is shown from for `query`: for a query that names a place in the `chunk`'s file
 * (path-query.ts: `src/mux.go:120`, a stack trace), that line where the chunk holds it; for a query that
 * asks where a symbol is used, the first line that uses it in code (usage-query.ts; comments known by the chunk's language and the comment it begins inside); for a query that
 * names a symbol, the line that defines it (symbol-query.ts; a Go doc comment above it names it first);
 * for a query that quotes the code, the line that holds most of the passage (phrase-query.ts); else, or
 * where no line does, bestMatchingLine; -1 when no line holds a word of the query.
 */
export function focusLine(lines: readonly string[], query: string, chunk?: ShownChunk): number {
  const placed = chunk ? placedLine(query, chunk, lines.length) : -1;
  if (placed >= 0) return placed;
  const used = usageOfQuery(query);
  const use = used === undefined ? -1 : useLine(used.name, lines, chunk?.language ?? '', chunk?.openComment);
  if (use >= 0) return use;
  const symbol = symbolOfQuery(query);
  const definition = symbol === undefined ? -1 : definitionLine(symbol, lines);
  if (definition >= 0) return definition;
  const passage = passageLine(query, lines);
  return passage >= 0 ? passage : bestMatchingLine(lines, query);
}
