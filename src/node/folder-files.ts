/**
 * A folder's files for search/indexer.ts, listed and read with Node's file system and walked by
 * search/folder-walk.ts (which folders are entered; .gitignore, .ignore and .git/info/exclude; the
 * --exclude patterns): each with its size and a reader. What cannot be listed or read is skipped and
 * named in `skipped`, never the end of the run.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors';
import { decodeText, type SkipReason } from '../search/corpus';
import { walkFolder, type FolderEntry, type FolderSource } from '../search/folder-walk';
import type { CorpusFile } from '../search/indexer';

/** The file system under a folder for search/folder-walk.ts: entries by full path, as Node lists them. */
const NODE_FOLDERS: FolderSource<string, string> = {
  async list(folder) {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => undefined);
    return entries?.flatMap((entry: Dirent): FolderEntry<string, string>[] => {
      const full = join(folder, entry.name);
      return entry.isDirectory() ? [{ name: entry.name, folder: full }] : entry.isFile() ? [{ name: entry.name, file: full }] : [];
    });
  },
  readText: async (file) => {
    const bytes = await readFile(file).catch(() => undefined);
    return bytes && decodeText(bytes);
  },
};

/** Refuses, as a one-line InputError, a path to index that is not a folder. */
export async function requireFolder(path: string): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (!found?.isDirectory()) throw new InputError(`${path}: ${found ? 'not a folder' : 'no such folder'}`);
}

/** Every file under `root` that the walk enters (`excluded`: patterns written as in a .gitignore), with its size. */
export async function folderFiles(root: string, skipped: Map<string, SkipReason>, excluded: readonly string[]): Promise<CorpusFile[]> {
  const files: CorpusFile[] = [];
  for (const { path, file } of await walkFolder(root, NODE_FOLDERS, skipped, excluded)) {
    const info = await stat(file).catch(() => undefined);
    if (info) files.push({ path, bytes: info.size, read: async () => new Uint8Array(await readFile(file)) });
    else skipped.set(path, 'unreadable');
  }
  return files;
}
