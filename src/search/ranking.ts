/**
 * A query's ranking, by mode: dense (the embedding side's best documents, dense-ranking.ts), lexical
 * (BM25's, documents sharing no word left out) or hybrid (both fused, fusion.ts). The one place a
 * search's mode is dispatched.
 */
import { matched, type LexicalScores } from './bm25';
import type { DenseScores } from './dense-ranking';
import { DEFAULT_LEXICAL_WEIGHT, FUSION_CANDIDATES, fuse, type DemotedKind, type PromotedKind } from './fusion';
import { topOfScores, type Scored } from './top-k';

export type SearchMode = 'hybrid' | 'dense' | 'lexical';
export const SEARCH_MODES: readonly SearchMode[] = ['hybrid', 'dense', 'lexical'];

/** What hybrid lists first (fusion.ts): why a document does, and the documents a query names by place, which are always candidates. */
export interface Promoted {
  readonly kindOf: (id: number) => PromotedKind | undefined;
  readonly named?: readonly number[];
}

/**
 * The k best documents by `mode`, from the dense side (needed by dense and hybrid) and the lexical side
 * (every document's BM25 score, 0 where no word is shared, and coverage of the query; lexical and hybrid). `demoted` marks the documents
 * hybrid lists after the code they support or describe, `promoted` those it lists first (the line, the
 * file, the definition, the uses or the passage a query names, asks for or quotes: fusion.ts); dense and lexical stay each side's own ranking.
 */
export function rankScores(
  mode: SearchMode,
  scores: { dense?: DenseScores; lexical?: LexicalScores; demoted?: (id: number) => DemotedKind | undefined; promoted?: Promoted },
  k: number,
  weight = DEFAULT_LEXICAL_WEIGHT,
): Scored[] {
  const { dense, lexical, demoted, promoted } = scores;
  const need = <T>(what: 'dense' | 'lexical', values: T | undefined): T => {
    if (!values) throw new Error(`${mode} ranking needs the ${what} scores`);
    return values;
  };
  if (mode === 'dense') return need('dense', dense).top(k);
  if (mode === 'lexical') return topOfScores(need('lexical', lexical).scores, k, matched);
  const [d, l] = [need('dense', dense), need('lexical', lexical)];
  const count = Math.max(k, FUSION_CANDIDATES);
  return fuse(
    { dense: d.top(count), lexical: topOfScores(l.scores, count, matched), denseScores: (ids) => d.of(ids), lexicalScore: (id) => l.scores[id], lexicalCoverage: l.coverage, demoted, promoted: promoted?.kindOf, named: promoted?.named },
    k,
    weight,
  );
}
