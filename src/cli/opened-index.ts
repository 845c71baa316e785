/**
 * What `c2llm search --index` names, opened: an index file, a split index's folder, or a folder of code
 * indexed in memory (folder-index.ts, as `c2llm index` with its defaults; nothing written), whose results
 * then name their files under it as typed. The model the flags choose is loaded when first needed, and
 * once: to index such a folder and to embed the queries alike.
 */
import { stat } from 'node:fs/promises';
import type { Embedder } from '../embedder';
import { InputError } from '../errors';
import { modelFingerprint } from '../node/model-fingerprint';
import { readIndexFile } from '../node/read-index';
import { holdsSplitIndex, openSplitIndex } from '../node/split-index-folder';
import { CodeIndex } from '../search/code-index';
import { MAX_FILE_BYTES } from '../search/corpus';
import type { SplitCodeIndex } from '../search/split-code-index';
import { MANIFEST_NAME } from '../search/split-index';
import { folderIndexData } from './folder-index';
import { loadEmbedder, modelChoice, type ModelChoice } from './load-model';

/** The model the flags choose, its fingerprint and its embedder, each made when first needed and then kept; `dispose` frees the embedder. */
export class ModelOnDemand {
  private choice?: Promise<ModelChoice>;
  private hash?: Promise<string>;
  private embedder?: Promise<Embedder>;

  constructor(
    private readonly flags: Parameters<typeof modelChoice>[0],
    private readonly log: (line: string) => void,
  ) {}

  choose(): Promise<ModelChoice> {
    return (this.choice ??= modelChoice(this.flags));
  }

  /** The chosen model's fingerprint (model-fingerprint.ts), which an index it made records. */
  fingerprint(): Promise<string> {
    return (this.hash ??= this.choose().then((choice) => modelFingerprint(choice.dir)));
  }

  load(): Promise<Embedder> {
    return (this.embedder ??= this.choose().then((choice) => loadEmbedder(choice, this.log)));
  }

  async dispose(): Promise<void> {
    (await this.embedder?.catch(() => undefined))?.dispose();
  }
}

export interface OpenedIndex {
  readonly index: CodeIndex | SplitCodeIndex;
  /** For a folder of code, the folder as typed, which results' paths are shown under, as grep -r and ripgrep show them, so that they open from where the command ran. */
  readonly pathsUnder?: string;
}

/**
 * What --index names, opened: an index file, a split index's folder (c2llm index --split), or a folder of
 * code, indexed in memory as `c2llm index` would index it (nothing is written) by the model that then
 * embeds the queries.
 */
export async function openIndex(name: string, model: ModelOnDemand, flags: { probes?: number; excluded: readonly string[] }, log: (line: string) => void): Promise<OpenedIndex> {
  const folder = (await stat(name).catch(() => undefined))?.isDirectory() === true;
  const split = folder && (await holdsSplitIndex(name));
  if (flags.probes !== undefined && !split) throw new InputError(`--probes is for a split index's folder; ${name} is ${folder ? 'a folder of code, indexed whole' : 'one file, which every search reads whole'}`);
  if (flags.excluded.length > 0 && (split || !folder)) throw new InputError(`--exclude is for a folder of code; the files of the index ${name} were chosen when it was made (c2llm index --exclude)`);
  if (split) return { index: await openSplitIndex(name) };
  if (!folder) return { index: new CodeIndex(await readIndexFile(name)) };
  log(`c2llm: ${name}: a folder of code, not an index: indexing it in memory, nothing written (to search it again at once: c2llm index ${JSON.stringify(name)} --output code.c2idx)`);
  const choice = await model.choose();
  const indexing = { folder: name, excluded: flags.excluded, maxFileBytes: MAX_FILE_BYTES, html: false, progress: false, texts: true };
  const data = await folderIndexData(indexing, await model.load(), { id: choice.id, fingerprint: await model.fingerprint() }, log);
  if (data.files.length === 0) throw new InputError(`${name}: no code to search in this folder, and it is not a split index (no ${MANIFEST_NAME} of c2llm's)`);
  return { index: new CodeIndex(data), pathsUnder: name.replace(/\/+$/, '') };
}
