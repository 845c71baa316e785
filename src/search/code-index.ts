/**
 * A searchable code index, loaded from index-file.ts's format: searched by meaning (int8 vectors
 * against the query in WASM SIMD kernels, dense-scorer.ts, with a sign-bit first stage on large
 * indexes, dense-ranking.ts), by words (BM25 over the path and text of each chunk) or both
 * (ranking.ts; hybrid lists tests, examples, documents and headers of a source file after code,
 * file-kind.ts, and the definition of a symbol the query names, or the passage it quotes, before code
 * that mentions it, and the code that uses a symbol a query asks the uses of, promotion.ts; the line or
 * file a query names first, path-query.ts), top-k by a bounded heap; a filter (search-filter.ts) keeps the chunks of one
 * language or folder before they are ranked. A query typed in a search box can first be put in the index's
 * words (`correct`: a last word cut short completed, a misspelt word corrected). Indexes are made by
 * index-build.ts.
 */
import { IndexFileError } from '../errors';
import { Bm25Index, type LexicalScores } from './bm25';
import { denseRanking } from './dense-ranking';
import { DenseScorer } from './dense-scorer';
import { ChunkReading } from './chunk-kind';
import { asksForSupportingFiles } from './file-kind';
import type { DemotedKind } from './fusion';
import { decodeIndex, languagesOf, type IndexData } from './index-file';
import { rankScores, type Promoted, type SearchMode } from './ranking';
import { filterKey, keptChunks, keptScores, narrows, type SearchFilter } from './search-filter';
import { chunksAtLine, namedPlace, placePromotion, placesOfQuery } from './path-query';
import { promotionFor } from './promotion';
import { completeWith, wordBeingTyped } from './query-completion';
import { correctWords, isCorrectionTarget, type Lexicon } from './query-correction';

export interface CodeSearchResult {
  readonly path: string;
  /** The file's language (corpus.ts's name for it). */
  readonly language: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly score: number;
  /** The chunk's text, when the index keeps texts. */
  readonly text?: string;
  /** An HTML page's nearest heading id (`c2llm index --html`), when it has one. */
  readonly anchor?: string;
  /** How the comment the chunk's text begins inside ends (a block comment's end, a Python docstring's quotes: chunk-kind.ts ChunkReading), when it does: its first lines are prose. */
  readonly openComment?: string;
}

export class CodeIndex {
  private readonly lexical: Bm25Index;
  private scorer: DenseScorer | undefined;
  /** What each chunk is (a comment it begins inside, prose, a supporting file's), read as queries ask (chunk-kind.ts). */
  private reading: ChunkReading | undefined;
  /** The last filter's chunks, kept for the next query (a search box asks with the same filter as the user types). */
  private lastKept: { readonly key: string; readonly kept: ReturnType<typeof keptChunks> } | undefined;

  /** The languages of its files, sorted (read by each search, language-query.ts). */
  readonly languages: readonly string[];

  constructor(readonly data: IndexData) {
    this.lexical = Bm25Index.fromFlat(data);
    this.languages = languagesOf(data.files);
  }

  static decode(file: string, bytes: Uint8Array): CodeIndex {
    return new CodeIndex(decodeIndex(file, bytes));
  }

  get size(): number {
    return this.data.chunks.length;
  }

  /** The model the index was made with (only ever compared with the one loaded). */
  get model(): IndexData['model'] {
    return this.data.model;
  }

  get files(): number {
    return this.data.files.length;
  }

  /** Whether a search may be filtered (search-filter.ts): an index file knows every chunk's file. */
  readonly filterable = true;

  /** Whether dense scores came from the WASM SIMD kernel (else a plain loop); known after the first search. */
  get usesSimd(): boolean {
    return this.scorer?.usesSimd ?? false;
  }

  /** The dense scorer, made on the first search that needs it (it copies the vectors into WASM memory). */
  private get dense(): DenseScorer {
    return (this.scorer ??= new DenseScorer(this.data.vectors, this.data.scales, this.data.dim));
  }

  private get chunkReading(): ChunkReading {
    return (this.reading ??= new ChunkReading(this.data));
  }

  /** For a query that does not ask for tests, examples, documents or headers, why a chunk ranks after code, if it does. */
  private demotedFor(text: string): ((id: number) => DemotedKind | undefined) | undefined {
    if (asksForSupportingFiles(text)) return undefined;
    const reading = this.chunkReading;
    return (id) => reading.kindOf(id);
  }

  /**
   * Which chunks come first: for a query that names a place, the chunks (those `kept`) at its line, then
   * its files' (path-query.ts); for a query that names a symbol, asks for its uses or quotes a
   * passage, those that define, use or hold it (promotion.ts; known from the texts only).
   */
  private promotedFor(text: string, lexical: LexicalScores, kept: ReturnType<typeof keptChunks> | undefined): Promoted | undefined {
    const places = placesOfQuery(text);
    const named = places.length === 0 ? undefined : namedPlace(places, this.data.files);
    if (named) {
      const { line } = named.place;
      const byFile = this.chunkReading.byFile;
      const ofFiles = () => [...named.files].flatMap((file) => byFile[file].flatMap((id) => (!kept || kept.mask[id] ? [{ id, ...this.data.chunks[id] }] : [])));
      const atLine = line === undefined ? [] : chunksAtLine(ofFiles(), line);
      return placePromotion(named.files, (id) => this.data.chunks[id].file, atLine.map((c) => c.id));
    }
    const wanted = promotionFor(text, lexical);
    const texts = this.data.texts;
    if (!wanted || !texts) return undefined;
    const reading = this.chunkReading;
    const first = wanted.pick(
      wanted.ids.map((id) => {
        const { path, language } = this.data.files[this.data.chunks[id].file];
        return { id, path, language, text: texts.at(id), openComment: reading.openAt(id) };
      }),
    );
    return { kindOf: (id) => (first.has(id) ? wanted.kind : undefined) };
  }

  /** The chunks `filter` keeps (search-filter.ts). */
  private kept(filter: SearchFilter): ReturnType<typeof keptChunks> {
    const key = filterKey(filter);
    if (this.lastKept?.key !== key) this.lastKept = { key, kept: keptChunks(filter, this.data.files, this.size, (id) => this.data.chunks[id].file) };
    return this.lastKept.kept;
  }

  /**
   * The query in this index's words: where it is being `typed` (a search at a pause in typing), its last
   * word, if cut short, completed by the commonest word that begins with it (query-completion.ts); then each
   * misspelt word corrected to the commonest word one edit away (query-correction.ts); `oneToken` as Lexicon's.
   */
  correct(query: string, oneToken: Lexicon['oneToken'], typed = true): string {
    const typing = typed ? wordBeingTyped(query) : undefined;
    const completed = typing ? completeWith(query, typing, this.lexical.termsFrom(typing.term)) : query;
    const chunks = (term: string) => this.lexical.chunksHolding(term);
    const targetChunks = (term: string) => {
      const holding = chunks(term);
      return isCorrectionTarget(term, holding) ? holding : 0;
    };
    return correctWords(completed, { isWord: (term) => chunks(term) > 0, targetChunks, oneToken });
  }

  /**
   * `vector` (the query's embedding) is needed by dense and hybrid; `text` by lexical and hybrid;
   * `filter`, when given, keeps the chunks of one language or folder (search-filter.ts).
   * `lexicalWeight`: hybrid's weight (default DEFAULT_LEXICAL_WEIGHT; `npm run eval` sweeps it).
   */
  search(query: { vector?: Float32Array; text?: string; filter?: SearchFilter }, k: number, mode: SearchMode, lexicalWeight?: number): CodeSearchResult[] {
    const vector = query.vector;
    const text = query.text ?? '';
    if (mode !== 'lexical' && (!vector || vector.length !== this.data.dim)) throw new IndexFileError('search', `${mode} search needs a query vector of dim ${this.data.dim}`);
    const bad = mode === 'lexical' ? -1 : vector!.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new IndexFileError('search', `the query vector's value ${bad} is ${vector![bad]}, not a finite number`);
    if (!Number.isInteger(k) || k < 0) throw new IndexFileError('search', `k must be a whole number >= 0, not ${k}`);
    const kept = narrows(query.filter) ? this.kept(query.filter) : undefined;
    if (kept?.ids.length === 0) return [];
    const matched = mode === 'dense' ? undefined : this.lexical.match(text);
    const lexical = matched && kept ? { ...matched, scores: keptScores(matched.scores, kept.ids) } : matched;
    const ranked = rankScores(
      mode,
      {
        dense: mode === 'lexical' ? undefined : denseRanking(this.dense, vector!, kept?.ids),
        lexical,
        demoted: mode === 'hybrid' ? this.demotedFor(text) : undefined,
        promoted: mode === 'hybrid' ? this.promotedFor(text, lexical!, kept) : undefined,
      },
      k,
      lexicalWeight,
    );
    return ranked.map(({ id, score }) => {
      const chunk = this.data.chunks[id];
      const file = this.data.files[chunk.file];
      const anchor = this.data.anchors?.[id];
      const openComment = this.chunkReading.openAt(id);
      return { path: file.path, language: file.language, startLine: chunk.startLine, endLine: chunk.endLine, score, text: this.data.texts?.at(id), ...(anchor ? { anchor } : {}), ...(openComment ? { openComment } : {}) };
    });
  }
}
