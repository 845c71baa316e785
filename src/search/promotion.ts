/**
 * What a query asks hybrid search to list first, and which chunks to read to find it: for a query that
 * asks where a symbol is used, the chunks that use it (usage-query.ts); for a query that
 * names a symbol, the chunk that defines it (symbol-query.ts); for a query of several words, a chunk that
 * holds them as a passage, as a pasted message is held by the code that prints it (phrase-query.ts). Both
 * are among BM25's first chunks for the query, and are told by their texts. (A query that names a file
 * comes before both, path-query.ts: it is told from the index's file list, which each index reads its way.)
 */
import type { LexicalScores } from './bm25';
import type { PromotedKind } from './fusion';
import { isTestPath } from './file-kind';
import { phraseCandidates, phraseChunks } from './phrase-query';
import { definingChunks, definitionCandidates } from './symbol-query';
import { usageCandidates, usingChunks } from './usage-query';

export interface Promotion {
  readonly kind: PromotedKind;
  /** The chunks to read. */
  readonly ids: readonly number[];
  /**
   * Which of the chunks read (an id, its file's path and language, the text when the index keeps texts,
   * and how the comment it begins inside ends where the index can tell: chunk-kind.ts ChunkReading)
   * come first.
   */
  pick(chunks: readonly { readonly id: number; readonly path: string; readonly language: string; readonly text?: string; readonly openComment?: string }[]): Set<number>;
}

export function promotionFor(query: string, lexical: LexicalScores): Promotion | undefined {
  const usage = usageCandidates(query, lexical.scores);
  if (usage) return { kind: 'usage', ids: usage.ids, pick: (chunks) => usingChunks(usage.name, usage.inTests ? chunks.filter((c) => isTestPath(c.path)) : chunks) };
  const symbol = definitionCandidates(query, lexical.scores);
  if (symbol) return { kind: 'definition', ids: symbol.ids, pick: (chunks) => definingChunks(symbol.name, chunks) };
  const phrase = phraseCandidates(query, lexical);
  if (phrase) return { kind: 'phrase', ids: phrase.ids, pick: (chunks) => phraseChunks(phrase.pairs, chunks) };
  return undefined;
}
