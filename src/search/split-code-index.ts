/**
 * Search over a split index (split-index.ts), fetching only what a query needs: the manifest and the
 * centroids when opened; per query, the `probes` partitions whose centroids are nearest the query
 * (their rows scored exactly by block-scorer.ts, as one index file scores them), the term shards holding
 * the query's words, and the record files of the results returned (and, for a query that is one name
 * or quotes a passage, of BM25's first chunks for it, whose texts tell which define the name or hold the
 * passage: promotion.ts). Every part fetched is kept
 * for the next query. Correcting a query typed in a search box (`correct`) fetches the term shards of its
 * last word's completions and of its long words, and for a word that is no word of the index the words
 * part of its first letter.
 * A filter (search-filter.ts) fetches the files part once and keeps its chunks before ranking: the probes
 * are the nearest partitions that hold a chunk it keeps.
 * Ranking is ranking.ts's, as for one index file (tests, examples, documents and headers of a source
 * file known from the manifest's partitions.supportingFrom, code that is mostly comments from proseFrom, mostly data from dataFrom). A chunk outside the probed partitions that comes in
 * by its words has its exact dense score when it is among the first EXACT_LEXICAL of the lexical side
 * (its vector fetched in a small slice); past those, it is given its partition's mean score (cohesion x
 * the query's score with the centroid): its expected score, which lets the fusion standardise the
 * lexical candidates' dense scores much as one index file does (capping it at the lowest probed score
 * lowered hybrid recall as more partitions were probed).
 */
import { IndexFileError } from '../errors';
import type { CodeSearchResult } from './code-index';
import type { DenseScores } from './dense-ranking';
import { coverageOf, idfOf, matched, type LexicalScores } from './bm25';
import { asksForSupportingFiles } from './file-kind';
import { FUSION_CANDIDATES, type DemotedKind } from './fusion';
import { BlockScorer, type ScorerBlock } from './block-scorer';
import { queryWords } from './lexical-tokens';
import { rankScores, type Promoted, type SearchMode } from './ranking';
import { filterKey, keptChunks, keptScores, narrows, type SearchFilter } from './search-filter';
import { chunksAtLine, namedPlace, placePromotion, placesOfQuery } from './path-query';
import { promotionFor } from './promotion';
import { completeWith, wordBeingTyped, type TermCount } from './query-completion';
import { checkedWords, correctWords, knownForms, modelKnows, type Lexicon } from './query-correction';
import {
  centroidsName,
  filesName,
  decodeCentroids,
  decodeFiles,
  decodeManifest,
  decodePartition,
  decodeRecords,
  decodeTermShard,
  decodeVectorSlice,
  decodeWords,
  MANIFEST_NAME,
  partitionName,
  recordShardName,
  termShardName,
  vectorSliceName,
  weightOf,
  wordsName,
  type Centroids,
  type ChunkView,
  type SplitManifest,
  type TermPostings,
} from './split-index';
import { topOfScores } from './top-k';

/**
 * The lexical side's first candidates whose vectors are fetched for an exact dense score: all of those
 * the fusion takes (FUSION_CANDIDATES); 50 left hybrid recall@10 at 0.944 on 127k real chunks, 100 gives 0.963.
 */
export const EXACT_LEXICAL = FUSION_CANDIDATES;

/**
 * The most chunks of a file whose records a query naming a line in it reads to find the chunks that hold
 * the line (a file's chunks lie in many record files, as chunks are numbered by partition); past it, the
 * file's chunks come first without the line's before them.
 */
export const PLACE_RECORDS = 64;

/** Where a split index's files come from: a file's bytes by name (fetch beside the manifest's URL, or a folder). */
export type PartFetcher = (name: string) => Promise<Uint8Array>;

/**
 * The last place in `sorted` holding a value <= `value`, -1 where there is none: a chunk's partition
 * (from the partitions' first ids; an empty partition's start is its successor's, which wins) or a
 * word's term shard (from the shards' first terms).
 */
function lastAtMost<T extends number | string>(sorted: readonly T[], value: T): number {
  let [low, high] = [-1, sorted.length - 1];
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (sorted[mid] <= value) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The chunks a filter keeps (search-filter.ts), and the partitions holding any (1) or none (0). */
type Kept = ReturnType<typeof keptChunks> & { readonly partitions: Uint8Array };

export interface SplitSearchOptions {
  /** Partitions scored per query (default: the manifest's, chosen by `npm run bench:split`). */
  readonly probes?: number;
  readonly lexicalWeight?: number;
}

export class SplitCodeIndex {
  private readonly parts = new Map<string, Promise<unknown>>();
  /** Each file fetched so far, with its size: what a visitor has downloaded of this index. */
  readonly fetched = new Map<string, number>();

  private readonly scorer: BlockScorer;
  private readonly centroids: Centroids & ScorerBlock;
  /** The last filter's chunks, kept for the next query. */
  private lastKept: { readonly key: string; readonly kept: Promise<Kept> } | undefined;

  private constructor(
    readonly manifest: SplitManifest,
    centroids: Centroids,
    private readonly fetchPart: PartFetcher,
    private readonly name: string,
  ) {
    this.scorer = new BlockScorer(manifest.dim);
    this.centroids = this.scorer.add(centroids);
  }

  /** Opens a split index: its manifest and centroids; `name` names it in errors. */
  static async open(name: string, fetchPart: PartFetcher): Promise<SplitCodeIndex> {
    const manifestBytes = await fetchPart(MANIFEST_NAME);
    const manifest = decodeManifest(`${name}/${MANIFEST_NAME}`, manifestBytes);
    const centroidBytes = await fetchPart(centroidsName(manifest));
    const index = new SplitCodeIndex(manifest, decodeCentroids(`${name}/${centroidsName(manifest)}`, centroidBytes, manifest), fetchPart, name);
    index.fetched.set(MANIFEST_NAME, manifestBytes.byteLength).set(centroidsName(manifest), centroidBytes.byteLength);
    return index;
  }

  /** Bytes fetched so far. */
  get fetchedBytes(): number {
    return [...this.fetched.values()].reduce((a, b) => a + b, 0);
  }

  get size(): number {
    return this.manifest.counts.chunks;
  }

  /** The model the index was made with (only ever compared with the one loaded). */
  get model(): SplitManifest['model'] {
    return this.manifest.model;
  }

  get files(): number {
    return this.manifest.counts.files;
  }

  /** The languages of its files, sorted. */
  get languages(): readonly string[] {
    return this.manifest.languages;
  }

  /** Whether a search may be filtered (a layout written before the files part cannot). */
  get filterable(): boolean {
    return this.manifest.files !== undefined;
  }

  /** A part, fetched and decoded once (a failed fetch is forgotten, so the next query tries again). */
  private part<T>(file: string, decode: (path: string, bytes: Uint8Array) => T): Promise<T> {
    let pending = this.parts.get(file) as Promise<T> | undefined;
    if (!pending) {
      pending = this.fetchPart(file).then((bytes) => {
        this.fetched.set(file, bytes.byteLength);
        return decode(`${this.name}/${file}`, bytes);
      });
      pending.catch(() => this.parts.delete(file));
      this.parts.set(file, pending);
    }
    return pending;
  }

  /** The files part (its hash from the manifest): every file, and each chunk's. */
  private fileTable(hash: string): Promise<ReturnType<typeof decodeFiles>> {
    return this.part(filesName(hash), (path, bytes) => decodeFiles(path, bytes, this.manifest));
  }

  /** The chunks `filter` keeps, and the partitions that hold any of them. */
  private kept(filter: SearchFilter): Promise<Kept> {
    const m = this.manifest;
    if (m.files === undefined) throw new IndexFileError(`${this.name}/${MANIFEST_NAME}`, 'this layout was written before search filters (it has no field "files"): write it again with c2llm split to filter by language or folder');
    const key = filterKey(filter);
    if (this.lastKept?.key !== key) {
      const kept = this.fileTable(m.files).then(({ files, fileOf }) => {
        const chunks = keptChunks(filter, files, m.counts.chunks, (id) => fileOf[id]);
        const partitions = new Uint8Array(m.partitions.starts.length - 1);
        for (const id of chunks.ids) partitions[lastAtMost(m.partitions.starts, id)] = 1;
        return { ...chunks, partitions };
      });
      this.lastKept = { key, kept };
      kept.catch(() => (this.lastKept = undefined));
    }
    return this.lastKept.kept;
  }

  /**
   * The dense side: exact scores of the rows of the `probes` partitions nearest the query, an estimate
   * for the others; with `kept`, of its chunks alone, from the nearest partitions holding any.
   */
  private async dense(query: Float32Array, probes: number, alsoExact: readonly number[], kept: Kept | undefined): Promise<DenseScores> {
    const m = this.manifest;
    const starts = m.partitions.starts;
    const [centroidScores] = this.scorer.score(query, [this.centroids]);
    const holding = kept ? centroidScores.map((score, p) => (kept.partitions[p] ? score : -Infinity)) : centroidScores;
    const nearest = topOfScores(holding, probes, (score) => score > -Infinity).map((s) => s.id);
    const probed = new Map(nearest.map((p, i) => [p, i]));
    const rows = m.vectorSlices.rows;
    const slices = [...new Set(alsoExact.filter((id) => !probed.has(lastAtMost(starts, id))).map((id) => Math.floor(id / rows)))];
    const [partitions, vectorSlices] = await Promise.all([
      Promise.all(nearest.map((p) => this.part(partitionName(m, p), (path, bytes) => this.scorer.add(decodePartition(path, bytes, m, p))))),
      Promise.all(slices.map((slice) => this.part(vectorSliceName(m, slice), (path, bytes) => this.scorer.add(decodeVectorSlice(path, bytes, m, slice))))),
    ]);
    const scored = this.scorer.score(query, [...partitions, ...vectorSlices]);
    const sliceScores = new Map(slices.map((slice, i) => [slice, scored[partitions.length + i]]));
    const scoreOf = (id: number): number => {
      const p = lastAtMost(starts, id);
      const probe = probed.get(p);
      if (probe !== undefined) return scored[probe][id - starts[p]];
      return sliceScores.get(Math.floor(id / rows))?.[id % rows] ?? this.centroids.cohesion[p] * centroidScores[p];
    };
    const probedIds = nearest.flatMap((p) => Array.from({ length: starts[p + 1] - starts[p] }, (_, r) => starts[p] + r));
    const ids = Uint32Array.from(kept ? probedIds.filter((id) => kept.mask[id]) : probedIds);
    const all = Float32Array.from(ids, scoreOf);
    return {
      top: (count) => topOfScores(all, count).map(({ id, score }) => ({ id: ids[id], score })),
      of: (wanted) => wanted.map(scoreOf),
    };
  }

  /** Term shard `s`: its terms' postings. */
  private termShard(s: number): Promise<Map<string, TermPostings>> {
    return this.part(termShardName(this.manifest, s), (path, bytes) => decodeTermShard(path, bytes, this.manifest, s));
  }

  /** The lexical side: every chunk's BM25 score (0 where it shares no word with the query) and coverage of the query. */
  private async lexical(text: string): Promise<LexicalScores> {
    const m = this.manifest;
    const n = m.counts.chunks;
    const words = queryWords(text);
    const loaded = await this.termsHolding(words);
    const postings = new Map<string, TermPostings>();
    loaded.forEach((shard) => shard.forEach((list, term) => postings.set(term, list)));
    const scores = new Float32Array(n);
    const weighed = words.map((word) => {
      const list = postings.get(word);
      return { list, idf: idfOf(n, list?.docs.length ?? 0) };
    });
    for (const { list, idf } of weighed) list?.docs.forEach((doc, i) => (scores[doc] += idf * weightOf(list.weights[i])));
    return { scores, coverage: coverageOf(weighed) };
  }

  /**
   * As CodeIndex.correct: where the query is being `typed`, a last word cut short completed from the term
   * shards that hold it and the terms it may become; then a word no term shard holds corrected from the
   * words part of its first letter (a layout written before the words parts corrects none). A word the
   * model knows (modelKnows) is never corrected, so nothing is fetched for it.
   */
  async correct(query: string, oneToken: Lexicon['oneToken'], typed = true): Promise<string> {
    const completed = typed ? await this.completeLastWord(query) : query;
    const formsOf = new Map(checkedWords(completed).flatMap((word) => (modelKnows(word, oneToken) ? [] : [[word, knownForms(word)] as const])));
    const forms = [...new Set([...formsOf.values()].flat())];
    const held = new Set((await this.termsHolding(forms)).flatMap((shard) => forms.filter((form) => shard.has(form))));
    const words = this.manifest.words;
    const letters = new Set([...formsOf].filter(([, known]) => !known.some((form) => held.has(form))).map(([word]) => word[0]));
    const parts = words ? await Promise.all([...letters].filter((letter) => words.letters.includes(letter)).map((letter) => this.wordsPart(words, letter))) : [];
    return correctWords(completed, { isWord: (term) => held.has(term), targetChunks: (term) => parts.find((part) => part.has(term))?.get(term) ?? 0, oneToken });
  }

  /** The query with its last word, if cut short, completed (query-completion.ts) from the term shards of the terms it may become. */
  private async completeLastWord(query: string): Promise<string> {
    const typed = wordBeingTyped(query);
    if (!typed) return query;
    const firsts = this.manifest.terms.firsts;
    const from = Math.max(0, lastAtMost(firsts, typed.term));
    const to = lastAtMost(firsts, `${typed.prefix}\uffff`);
    const loaded = await Promise.all(Array.from({ length: to - from + 1 }, (_, i) => this.termShard(from + i)));
    const terms = loaded.flatMap((shard) => [...shard].map(([term, list]): TermCount => [term, list.docs.length]));
    return completeWith(query, typed, terms.filter(([term]) => term >= typed.term));
  }

  /** The term shards that would hold `terms`. */
  private termsHolding(terms: readonly string[]): Promise<Map<string, TermPostings>[]> {
    const shards = new Set(terms.map((term) => lastAtMost(this.manifest.terms.firsts, term)).filter((s) => s >= 0));
    return Promise.all([...shards].map((s) => this.termShard(s)));
  }

  /** The words part of `letter`: the words a misspelt query word beginning with it may be corrected to. */
  private wordsPart(words: NonNullable<SplitManifest['words']>, letter: string): Promise<Map<string, number>> {
    return this.part(wordsName(words, letter), (path, bytes) => decodeWords(path, bytes, this.manifest, letter));
  }

  private async records(ids: readonly number[]): Promise<ChunkView[]> {
    const m = this.manifest;
    const per = m.records.perShard;
    const shards = [...new Set(ids.map((id) => Math.floor(id / per)))];
    const loaded = new Map(await Promise.all(shards.map(async (s) => [s, await this.part(recordShardName(m, s), (path, bytes) => decodeRecords(path, bytes, m, s))] as const)));
    return ids.map((id) => loaded.get(Math.floor(id / per))![id % per]);
  }

  /** For a query that does not ask for tests, examples, documents or headers, why a chunk ranks after code, if it does (from the manifest alone). */
  private demotedFor(text: string): ((id: number) => DemotedKind | undefined) | undefined {
    const { starts, supportingFrom, proseFrom, dataFrom } = this.manifest.partitions;
    if ((!supportingFrom && !proseFrom && !dataFrom) || asksForSupportingFiles(text)) return undefined;
    return (id) => {
      const p = lastAtMost(starts, id);
      return supportingFrom && id >= supportingFrom[p] ? 'supporting' : proseFrom && id >= proseFrom[p] ? 'prose' : dataFrom && id >= dataFrom[p] ? 'data' : undefined;
    };
  }

  /**
   * Which chunks come first: for a query that names a place, the chunks (those `kept`) at its line, then
   * its files' (path-query.ts; from the files part, which a layout written before it lacks, and the
   * records of the named file's chunks, where it has at most PLACE_RECORDS); for a query that names a
   * symbol, asks for its uses or quotes a passage, those that define, use or hold it (promotion.ts), from
   * the records of its first lexical chunks.
   */
  private async promotedFor(text: string, lexical: LexicalScores, kept: Kept | undefined): Promise<Promoted | undefined> {
    const places = placesOfQuery(text);
    if (places.length > 0 && this.manifest.files !== undefined) {
      const { files, fileOf } = await this.fileTable(this.manifest.files);
      const named = namedPlace(places, files);
      if (named) {
        const { line } = named.place;
        const chunks = line === undefined ? [] : Array.from(fileOf.keys()).filter((id) => named.files.has(fileOf[id]) && (!kept || kept.mask[id]));
        const views = chunks.length <= PLACE_RECORDS ? await this.records(chunks) : [];
        const atLine = line === undefined ? [] : chunksAtLine(views.map((view, i) => ({ id: chunks[i], startLine: view.startLine, endLine: view.endLine })), line);
        return placePromotion(named.files, (id) => fileOf[id], atLine.map((c) => c.id));
      }
    }
    const wanted = promotionFor(text, lexical);
    if (!wanted || !this.manifest.hasTexts) return undefined;
    const views = await this.records(wanted.ids);
    const first = wanted.pick(wanted.ids.map((id, i) => ({ id, path: views[i].path, language: views[i].language, text: views[i].text, openComment: views[i].openComment })));
    return { kindOf: (id) => (first.has(id) ? wanted.kind : undefined) };
  }

  /** As CodeIndex.search, fetching the parts it needs. */
  async search(query: { vector?: Float32Array; text?: string; filter?: SearchFilter }, k: number, mode: SearchMode, options: SplitSearchOptions = {}): Promise<CodeSearchResult[]> {
    const { vector, text = '' } = query;
    const m = this.manifest;
    if (mode !== 'lexical' && (!vector || vector.length !== m.dim || vector.some((x) => !Number.isFinite(x)))) throw new IndexFileError('search', `${mode} search needs a finite query vector of dim ${m.dim}`);
    if (!Number.isInteger(k) || k < 0) throw new IndexFileError('search', `k must be a whole number >= 0, not ${k}`);
    const partitionTotal = this.centroids.rows;
    const probes = Math.min(partitionTotal, options.probes ?? m.partitions.probes);
    if (!Number.isInteger(probes) || probes < 1) throw new IndexFileError('search', `probes must be a whole number >= 1, not ${options.probes}`);
    if (m.counts.chunks === 0) return [];
    const kept = narrows(query.filter) ? await this.kept(query.filter) : undefined;
    if (kept?.ids.length === 0) return [];
    const scores = mode === 'dense' ? undefined : await this.lexical(text);
    const lexical = scores && kept ? { ...scores, scores: keptScores(scores.scores, kept.ids) } : scores;
    const exact = lexical ? topOfScores(lexical.scores, EXACT_LEXICAL, matched).map((s) => s.id) : [];
    const dense = mode === 'lexical' ? undefined : await this.dense(vector!, probes, exact, kept);
    const hybrid = mode === 'hybrid';
    const promoted = hybrid ? await this.promotedFor(text, lexical!, kept) : undefined;
    const ranked = rankScores(mode, { dense, lexical, demoted: hybrid ? this.demotedFor(text) : undefined, promoted }, k, options.lexicalWeight);
    const views = await this.records(ranked.map((r) => r.id));
    return ranked.map(({ score }, i) => ({ ...views[i], score }));
  }
}
