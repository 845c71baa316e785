/**
 * Walks a folder the user named, wherever its listing comes from (Node's file system for `c2llm index`,
 * a dropped folder's entries or the File System Access API's handles in the demo), so that the CLI and
 * the page enter the same folders: dependency, VCS and build folders, and folders the .gitignore and
 * .ignore files met on the way (and the top's .git/info/exclude) leave out, are not entered and are
 * named once; a folder that cannot be listed and a name that could not be joined to a folder or printed
 * on one line (not valid UTF-8, a control character) are named and skipped, never the end of the walk.
 * The indexer applies the same files to the files listed, so a caller that cannot walk (a directory file
 * input hands every file over) gets the same index.
 */
import { skipByPath, unusualName, type SkipReason } from './corpus';
import { GIT_EXCLUDE, IgnoreFiles, ignoreFilesIn } from './ignore-files';

/** One entry of a folder's listing: a subfolder (`folder`) or a file (`file`), by its own name. */
export type FolderEntry<Folder, File> = { readonly name: string } & ({ readonly folder: Folder } | { readonly file: File });

export interface FolderSource<Folder, File> {
  /** A folder's entries, or undefined when it cannot be listed. */
  list(folder: Folder): Promise<readonly FolderEntry<Folder, File>[] | undefined>;
  /** A file's text, or undefined when it cannot be read or is not text (a .gitignore or .ignore then leaves nothing out). */
  readText(file: File): Promise<string | undefined>;
}

export interface WalkedEntry<File> {
  /** '/'-separated, relative to the root. */
  readonly path: string;
  readonly file: File;
}

/** The file at `path` ('/'-separated) below a folder whose `entries` are listed, if there is one. */
async function fileBelow<Folder, File>(entries: readonly FolderEntry<Folder, File>[], path: string, source: FolderSource<Folder, File>): Promise<File | undefined> {
  const [name, ...rest] = path.split('/');
  const entry = entries.find((e) => e.name === name);
  if (!entry) return undefined;
  if (rest.length === 0) return 'file' in entry ? entry.file : undefined;
  const inside = 'folder' in entry ? await source.list(entry.folder) : undefined;
  return inside && fileBelow(inside, rest.join('/'), source);
}

/**
 * Every file under `root` that is entered, sorted by path; what is left out goes to `skipped` ('dir/' for a
 * folder not entered). `excluded`: patterns the user gives, as ignore-files.ts reads them.
 */
export async function walkFolder<Folder, File>(root: Folder, source: FolderSource<Folder, File>, skipped: Map<string, SkipReason>, excluded: readonly string[] = []): Promise<WalkedEntry<File>[]> {
  const out: WalkedEntry<File>[] = [];
  const ignoreFiles = new IgnoreFiles(excluded);
  const visit = async (folder: Folder, relativePath: string): Promise<void> => {
    const entries = await source.list(folder);
    if (!entries) {
      skipped.set(relativePath || '.', 'unreadable');
      return;
    }
    for (const name of ignoreFilesIn(relativePath)) {
      const file = await fileBelow(entries, name, source);
      const text = file === undefined ? undefined : await source.readText(file);
      if (text === undefined) continue;
      ignoreFiles.add(relativePath ? `${relativePath}/${name}` : name, text);
      // Inside .git, which is not entered: handed over so that the indexer applies its file rules too.
      if (name === GIT_EXCLUDE) out.push({ path: name, file: file! });
    }
    for (const entry of entries) {
      const path = relativePath ? `${relativePath}/${entry.name}` : entry.name;
      if (unusualName(path)) skipped.set(path, 'unusual name');
      else if (!('folder' in entry)) out.push({ path, file: entry.file });
      else if (skipByPath(`${path}/x.js`, 0) === 'folder') skipped.set(`${path}/`, 'folder');
      else if (ignoreFiles.ignoresFolder(path)) skipped.set(`${path}/`, 'ignored');
      else await visit(entry.folder, path);
    }
  };
  await visit(root, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
