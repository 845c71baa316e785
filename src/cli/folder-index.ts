/**
 * A folder of code made into index data, as `c2llm index` writes it and `c2llm search` searches a folder
 * given in place of an index: its files as node/folder-files.ts walks them (the demo's filters,
 * .gitignore and .ignore files, --exclude), handed to the indexing path the demo uses too
 * (search/indexer.ts: the same chunks, reuse and embedding). What was skipped, and why, goes to `log`
 * (stderr), then a progress line.
 */
import { TEXTS_PER_REPORT } from '../batching';
import type { Embedder } from '../embedder';
import { folderFiles } from '../node/folder-files';
import { chunkFile, DEFAULT_CHUNKER } from '../search/chunker';
import { chunkPage } from '../search/html-page';
import type { ChunkerSettings, IndexData, IndexHeader } from '../search/index-file';
import { sizeLimitOf, summariseSkipped, type SkippedSummary, type SkipReason } from '../search/corpus';
import { isNotebook } from '../search/notebook';
import { indexCorpus, type DocumentEmbedder, type IndexStoreLike } from '../search/indexer';
import type { FlagHelp } from './command-help';
import { ProgressLine } from './progress';
import { InputError } from '../errors';
import { emptyPattern } from '../search/ignore-files';
import { printable } from '../text/control-characters';

type Log = (line: string) => void;

/** `--exclude <pattern>`, which `c2llm index` and `c2llm search` over a folder of code take. */
export const EXCLUDE_OPTION = { type: 'string', multiple: true } as const;

export const EXCLUDE_HELP: FlagHelp = [
  '--exclude <pattern>',
  "leave out what a pattern matches, written as in a .gitignore and relative to the folder (tests/, '*.pb.go', /vendor); may be given several times; wins over the folder's .gitignore and .ignore files; named on stderr as ignored",
];

/** The --exclude patterns given (none: []), each checked to be one. */
export function excludedPatterns(patterns: readonly string[] | undefined): readonly string[] {
  const blank = emptyPattern(patterns ?? []);
  if (blank !== undefined) throw new InputError(`--exclude "${blank}": give a pattern of files to leave out (tests/, '*.pb.go')`);
  return patterns ?? [];
}

export interface FolderIndexing {
  readonly folder: string;
  /** The --exclude patterns. */
  readonly excluded: readonly string[];
  readonly maxFileBytes: number;
  /** --html: a built site's .html pages read as pages. */
  readonly html: boolean;
  /** --shard i/N: only the files whose path hashes to i. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** --progress: the progress line even off a terminal. */
  readonly progress: boolean;
  /** Whether the chunks' texts are kept (not --no-texts). */
  readonly texts: boolean;
  /** Each unchanged file's vectors from an earlier index made with the header's model and chunker (--update); none by default. */
  readonly reuse?: (header: IndexHeader) => IndexStoreLike | undefined;
}

/** The folders not entered, and each skipped file with why, on stderr (files that are not code are counted). */
function logSkipped(summary: SkippedSummary, maxFileBytes: number, log: Log): void {
  const list = (paths: readonly string[]) => `${paths.slice(0, SKIPPED_SHOWN).map(printable).join(', ')}${paths.length > SKIPPED_SHOWN ? ` and ${paths.length - SKIPPED_SHOWN} more` : ''}`;
  if (summary.folders.length) log(`c2llm: not entered (dependency, VCS or build folders): ${list(summary.folders)}`);
  const byReason = new Map<SkipReason, string[]>();
  for (const [path, reason] of summary.files) byReason.set(reason, [...(byReason.get(reason) ?? []), path]);
  for (const [reason, paths] of byReason) {
    if (reason === 'not code') log(`c2llm: skipped ${paths.length} file(s) that are not code`);
    else log(`c2llm: skipped (${reason}${reason === 'too large' ? `, over ${sizeLimits(paths, maxFileBytes)}: --max-file-kb raises the limit` : ''}): ${list(paths)}`);
  }
}

const SKIPPED_SHOWN = 20;

/** The size limits `paths` went over, in words: '512 KiB', or with notebooks among them, '512 KiB (a notebook 4096 KiB)'. */
function sizeLimits(paths: readonly string[], maxFileBytes: number): string {
  const notebook = paths.find(isNotebook);
  return `${maxFileBytes / 1024} KiB${notebook ? ` (a notebook ${sizeLimitOf(notebook, maxFileBytes) / 1024} KiB)` : ''}`;
}

/** What `--html` reads as a page. */
const HTML_PAGE = /\.html$/i;

/** The engine as the indexer's document embedder, in the CLI's batches, its progress on the terminal's line. */
function documentEmbedder(embedder: Embedder, progress: () => ProgressLine): DocumentEmbedder {
  return {
    async embed(texts, options) {
      const { vectors, tokens } = await embedder.embedCounting(texts, { kind: options.kind });
      progress().advance(vectors.length, tokens);
      return vectors;
    },
  };
}

/** The folder's index data, embedded by `embedder` (the model `model` names). */
export async function folderIndexData(options: FolderIndexing, embedder: Embedder, model: IndexHeader['model'], log: Log): Promise<IndexData> {
  const { folder, excluded, maxFileBytes, shard } = options;
  const walked = new Map<string, SkipReason>();
  const files = await folderFiles(folder, walked, excluded);
  const chunker: ChunkerSettings = options.html ? { ...DEFAULT_CHUNKER, htmlPages: true } : DEFAULT_CHUNKER;
  let progress: ProgressLine | undefined;
  const report = await indexCorpus({
    folder,
    files,
    model: model.id,
    dim: embedder.dim,
    store: options.reuse?.({ model, dim: embedder.dim, chunker }),
    embedder: documentEmbedder(embedder, () => progress!),
    batchSize: TEXTS_PER_REPORT.terminal,
    skipped: walked,
    shard,
    excluded,
    maxFileBytes,
    chunk: options.html ? (path, text) => (HTML_PAGE.test(path) ? chunkPage(text) : chunkFile(path, text)) : undefined,
    onProgress: (p) => {
      if (progress) return;
      // The first report, before any embedding: what was found, then the progress line.
      const summary = summariseSkipped(p.skipped);
      logSkipped(summary, maxFileBytes, log);
      log(`c2llm: ${p.files} files (${summary.files.length} skipped${shard ? `, shard ${shard.index}/${shard.count}` : ''}), ${p.chunksTotal} chunks to embed, ${p.reusedFiles} files unchanged`);
      progress = new ProgressLine(p.chunksTotal, 'chunks', options.progress);
    },
  });
  progress?.done();
  return report.corpus.toIndexData(model, options.texts, chunker);
}
