/**
 * `c2llm index <folder> --output <file> [--model <dir>] [--device ...] [--dtype ...] [--update] [--shard i/N]
 *  [--no-texts] [--progress]`: indexes the folder as the demo does (folder-index.ts), then writes one
 * index file (search/index-file.ts).
 * `--update` re-embeds only files whose content changed since the index at --output was written (same
 * model and chunker). `--shard i/N` (0 <= i < N) indexes only the files whose path hashes to i, so that N
 * jobs of a CI matrix or a Kubernetes Indexed Job (i = $JOB_COMPLETION_INDEX) each build a shard;
 * `c2llm merge <shard files...> --output <file>` joins them into the index one job would have built.
 * `--split` (index, merge) writes the split layout (search/split-index.ts) into the folder --output names
 * instead of one file, for static sites whose visitors should fetch only what a query needs; `c2llm split
 * <index.c2idx> --output <folder>` turns an index file into that layout. `--html` indexes a built site's
 * HTML pages as pages (search/html-page.ts: their text cut at headings, each chunk with its nearest
 * heading's anchor for its link), not as source; the index records it, so `--update` re-cuts them when it
 * changes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../errors';
import { checkWritable, writeFileAtomic } from '../node/atomic-write';
import { checkSplitFolder, writeSplitIndex } from '../node/split-index-folder';
import { modelFingerprint } from '../node/model-fingerprint';
import { readIndexFile } from '../node/read-index';
import { requireFolder } from '../node/folder-files';
import { fileChunkRanges, floatVectors, mergeIndexData } from '../search/index-build';
import { encodeIndex, type IndexData, type IndexHeader } from '../search/index-file';
import { MANIFEST_NAME } from '../search/split-index';
import { MAX_FILE_BYTES, NOTEBOOK_SIZE_FACTOR } from '../search/corpus';
import { NOTHING_STORED, type IndexStoreLike } from '../search/indexer';
import type { CommandHelp, FlagHelp } from './command-help';
import { OUTPUT_OPTION, positiveInt } from './flag-values';
import { EXCLUDE_HELP, EXCLUDE_OPTION, excludedPatterns, folderIndexData } from './folder-index';
import { loadEmbedder, MODEL_FLAG_HELP, MODEL_FLAGS, modelChoice } from './load-model';

export const INDEX_USAGE = 'usage: c2llm index <folder> --output <file> [--model <dir>] [--device webgpu|cpu|reference|auto] [--dtype auto|int8] [--update] [--shard i/N] [--no-texts] [--split] [--html] [--max-file-kb 512] [--exclude <pattern>]... [--progress]';
export const MERGE_USAGE = 'usage: c2llm merge <shard files...> --output <file> [--split]';
export const SPLIT_USAGE = 'usage: c2llm split <index.c2idx> --output <folder>';

const SPLIT_FLAG: FlagHelp = ['--split', "write the split layout instead of one file: a folder of small files, of which a static site's visitors fetch what a query needs"];

export const INDEX_OPTIONS = {
  ...MODEL_FLAGS,
  output: OUTPUT_OPTION,
  update: { type: 'boolean' },
  shard: { type: 'string' },
  'no-texts': { type: 'boolean' },
  split: { type: 'boolean' },
  html: { type: 'boolean' },
  'max-file-kb': { type: 'string' },
  exclude: EXCLUDE_OPTION,
  progress: { type: 'boolean' },
} as const;
export const MERGE_OPTIONS = { output: OUTPUT_OPTION, split: { type: 'boolean' } } as const;
export const SPLIT_OPTIONS = { output: OUTPUT_OPTION } as const;

export const INDEX_HELP: CommandHelp = {
  usage: INDEX_USAGE,
  does:
    "Chunks a folder's code into functions and classes where the language allows, embeds the chunks and writes one index file for `c2llm search`, " +
    "a web page or the demo: int8 vectors, BM25 over the chunks' words and paths, and the chunks' texts. " +
    "The folder is walked as the demo walks it: dependency and build folders, lock files, binary and minified files and what its .gitignore and .ignore files and its .git/info/exclude leave out are skipped, and each is named on stderr.",
  flags: [
    ['<folder>', 'the folder to index'],
    ['-o, --output <file>', 'the index file, written whole or not at all (a folder with --split)'],
    ['--update', 're-embed only the files that changed since the index at --output was written'],
    ['--shard i/N', 'only the files whose path hashes to i (0 <= i < N), for N parallel jobs; `c2llm merge` joins the shards'],
    ['--no-texts', "leave the chunks' texts out: a smaller file, but hybrid search can no longer tell a definition, a quoted message or code that is mostly comments"],
    SPLIT_FLAG,
    ['--html', "index a built site's .html pages as a reader sees them, cut at their headings, each chunk with its heading's anchor for links"],
    ['--max-file-kb N', `skip files larger than N KiB (default ${MAX_FILE_BYTES / 1024}; a Jupyter notebook may be ${NOTEBOOK_SIZE_FACTOR} times that, its outputs not read)`],
    EXCLUDE_HELP,
    ['--progress', 'a progress line on stderr (always on a terminal)'],
    ...MODEL_FLAG_HELP,
  ],
  examples: ['c2llm index ./my-project --output code.c2idx', 'c2llm index ./my-project --output code.c2idx --update', "c2llm index . --output code.c2idx --exclude tests/ --exclude '*.pb.go'", 'c2llm index dist/ --html --split --output dist/code-index'],
};

export const MERGE_HELP: CommandHelp = {
  usage: MERGE_USAGE,
  does: 'Joins the shards that `c2llm index --shard i/N` wrote into the index one job would have written, byte for byte.',
  flags: [['<shard files...>', 'the shards, index files of one model and chunker'], ['-o, --output <file>', 'the index file, written whole or not at all (a folder with --split)'], SPLIT_FLAG],
  examples: ['c2llm merge shard-*.c2idx --output code.c2idx'],
};

export const SPLIT_HELP: CommandHelp = {
  usage: SPLIT_USAGE,
  does: "Writes an index file again in the split layout: a folder of small content-hashed files, of which a static site's visitors fetch only what a query needs.",
  flags: [['<index.c2idx>', 'the index file'], ['-o, --output <folder>', 'the folder to write (empty, or a split index written before)']],
  examples: ['c2llm split code.c2idx --output site/code-index'],
};

type Log = (line: string) => void;

function parseShard(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) throw new InputError(`--shard must be i/N with 0 <= i < N (e.g. 0/4, or $JOB_COMPLETION_INDEX/4), got "${value}"`);
  return { index, count };
}

/**
 * What an earlier index holds, as the indexer's store: each file's vectors by content hash (`--update`);
 * none where it was made with another model or chunker. Nothing is stored back (the index file is the output).
 */
function previousIndexStore(previous: IndexData, header: IndexHeader, log: Log): IndexStoreLike | undefined {
  if (previous.model.fingerprint !== header.model.fingerprint || JSON.stringify(previous.chunker) !== JSON.stringify(header.chunker)) {
    log('c2llm: --update: the existing index was made with another model or chunker; embedding everything');
    return undefined;
  }
  const byHash = new Map<string, Float32Array>();
  const ranges = fileChunkRanges(previous);
  previous.files.forEach((f, i) => byHash.set(f.hash, floatVectors(previous, ranges[i].from, ranges[i].to)));
  return { ...NOTHING_STORED, getFile: async (_model, hash) => (byHash.has(hash) ? { chunks: [], vectors: byHash.get(hash)! } : undefined) };
}

export async function indexCommand(argv: string[], log: Log): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: INDEX_OPTIONS,
    strict: true,
  });
  if (positionals.length !== 1 || !values.output) throw new InputError(`one folder and --output are required\n${INDEX_USAGE}`);
  const folder = positionals[0];
  await requireFolder(folder);
  const shard = parseShard(values.shard);
  const maxFileKb = positiveInt('max-file-kb', values['max-file-kb'], 'KiB') ?? MAX_FILE_BYTES / 1024;
  const choice = await modelChoice(values);
  if (values.split && values.update) throw new InputError('--update reads an index file: build with --update, then `c2llm split` it');
  await checkOutput(values.output, values.split === true);
  let previous: IndexData | undefined;
  if (values.update) {
    if (existsSync(values.output)) previous = await readIndexFile(values.output);
    else log(`c2llm: --update: ${values.output} does not exist yet; building it`);
  }
  const excluded = excludedPatterns(values.exclude);
  const embedder = await loadEmbedder(choice, log);
  try {
    const model = { id: choice.id, fingerprint: await modelFingerprint(choice.dir) };
    const indexing = { folder, excluded, maxFileBytes: maxFileKb * 1024, html: values.html === true, shard, progress: values.progress === true, texts: values['no-texts'] !== true };
    const reuse = previous && ((header: IndexHeader) => previousIndexStore(previous, header, log));
    const data = await folderIndexData({ ...indexing, reuse }, embedder, model, log);
    await writeIndex(values.output, data, values.split === true, log);
  } finally {
    embedder.dispose();
  }
}

/** Fails now, before any work, when the output (a file, or with --split a folder) cannot be written. */
async function checkOutput(output: string, split: boolean): Promise<void> {
  if (split) await checkSplitFolder(output);
  // A split index's folder may exist (its files are written inside it) or be made (in its parent).
  await checkWritable(split && existsSync(output) ? join(output, MANIFEST_NAME) : output);
}

/** How many of `files` each language has, most first: 'python 27, markdown 1'. */
function languageCounts(files: IndexData['files']): string {
  const counts = new Map<string, number>();
  for (const { language } of files) counts.set(language, (counts.get(language) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([language, n]) => `${language} ${n}`).join(', ');
}

/** The index as one file, or with `split` as a folder in the split layout; what was written on stderr. */
async function writeIndex(output: string, data: IndexData, split: boolean, log: Log): Promise<void> {
  const perChunk = (bytes: number) => (data.chunks.length === 0 ? '' : ` (${(bytes / data.chunks.length).toFixed(0)} bytes per chunk)`);
  const what = `${data.files.length} files${data.files.length ? ` (${languageCounts(data.files)})` : ''}, ${data.chunks.length} chunks`;
  if (split) {
    const written = await writeSplitIndex(output, data);
    log(`c2llm: wrote ${output}/ (split): ${what}, ${written.files} files, ${(written.bytes / 1024).toFixed(0)} KiB in all${perChunk(written.bytes)}, manifest ${(written.manifest / 1024).toFixed(1)} KiB`);
    return;
  }
  const bytes = encodeIndex(data);
  await writeFileAtomic(output, bytes);
  log(`c2llm: wrote ${output}: ${what}, ${(bytes.byteLength / 1024).toFixed(0)} KiB${perChunk(bytes.byteLength)}`);
}

export async function mergeCommand(argv: string[], log: Log): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: MERGE_OPTIONS, strict: true });
  if (positionals.length === 0 || !values.output) throw new InputError(`shard files and --output are required\n${MERGE_USAGE}`);
  await checkOutput(values.output, values.split === true);
  const parts = [];
  for (const name of positionals) parts.push({ name, data: await readIndexFile(name) });
  await writeIndex(values.output, mergeIndexData(parts), values.split === true, log);
}

export async function splitCommand(argv: string[], log: Log): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: SPLIT_OPTIONS, strict: true });
  if (positionals.length !== 1 || !values.output) throw new InputError(`one index file and --output are required\n${SPLIT_USAGE}`);
  await checkOutput(values.output, true);
  await writeIndex(values.output, await readIndexFile(positionals[0]), true, log);
}
