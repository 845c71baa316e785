/**
 * What a search may return: the chunks of files in one language (C++'s and Objective-C's with the `.h` headers), or under one folder (the CLI's
 * --language and --folder, the search box's two filters). A filter narrows the candidates before they are
 * ranked, so the results are the best of the chunks it keeps however far below other chunks they stand:
 * filtering a search's first results instead leaves a query with none where the best chunk in Rust ranks
 * 60th among Python.
 */
import { asIndexPath } from './path-query';

export interface SearchFilter {
  /** A language as an index lists them (corpus.ts's names: 'python', 'typescript', 'cpp', …). */
  readonly language?: string;
  /** The start of the paths kept, relative to the indexed folder ('src/', 'src/par', 'src\\par'; a leading '/' or './' is dropped). */
  readonly folder?: string;
}

/**
 * Whether a file is in `language`: of that language, or a `.h` header when it is C++ or Objective-C. corpus.ts
 * reads a `.h` as C, but C++ codebases name their headers so too (googletest's and re2's, beside their `.cc`),
 * as Objective-C's do beside their `.mm`.
 */
const HEADED_LANGUAGES = new Set(['cpp', 'objective-c']);
const inLanguage = (file: { readonly path: string; readonly language: string }, language: string): boolean =>
  file.language === language || (HEADED_LANGUAGES.has(language) && file.language === 'c' && file.path.toLowerCase().endsWith('.h'));

/** The folder as paths are matched against it (path-query.ts's asIndexPath). */
const folderOf = (filter: SearchFilter): string => asIndexPath(filter.folder ?? '');

/** Two filters with the same key keep the same chunks. */
export const filterKey = (filter: SearchFilter): string => JSON.stringify([filter.language ?? '', folderOf(filter)]);

/** Whether `filter` keeps less than everything. */
export const narrows = (filter: SearchFilter | undefined): filter is SearchFilter => !!filter && ((filter.language ?? '') !== '' || folderOf(filter) !== '');

/** The filter in words, for a message: 'in rust under src/'. */
export function describeFilter(filter: SearchFilter): string {
  const folder = folderOf(filter);
  return [filter.language ? `in ${filter.language}` : '', folder ? `under ${folder}` : ''].filter(Boolean).join(' ');
}

/**
 * The ids of the chunks `filter` keeps, increasing, and the same as a mask: `fileOf(id)` is chunk id's
 * file in `files`.
 */
export function keptChunks(
  filter: SearchFilter,
  files: readonly { readonly path: string; readonly language: string }[],
  chunkCount: number,
  fileOf: (id: number) => number,
): { readonly ids: Uint32Array; readonly mask: Uint8Array } {
  const folder = folderOf(filter);
  const language = filter.language ?? '';
  const fileKept = files.map((f) => (language === '' || inLanguage(f, language)) && f.path.startsWith(folder));
  const mask = new Uint8Array(chunkCount);
  let count = 0;
  for (let id = 0; id < chunkCount; id++) {
    if (!fileKept[fileOf(id)]) continue;
    mask[id] = 1;
    count++;
  }
  const ids = new Uint32Array(count);
  for (let id = 0, at = 0; id < chunkCount; id++) if (mask[id]) ids[at++] = id;
  return { ids, mask };
}

/** `scores` with every chunk but those kept at 0 (no word shared, as BM25 scores it). */
export function keptScores(scores: Float32Array, kept: Uint32Array): Float32Array {
  const out = new Float32Array(scores.length);
  for (const id of kept) out[id] = scores[id];
  return out;
}
