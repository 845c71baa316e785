/**
 * The files of a folder the user gave us, as CorpusFiles with paths relative to the folder: from a
 * directory file input, a drag-and-drop, or the File System Access API's directory picker. Where we walk
 * ourselves (a drop, the picker), search/folder-walk.ts decides which folders are entered, as for
 * `c2llm index`, and names those it leaves out; a file input hands every file over, and the indexer
 * applies the same filters to them.
 */
import { decodeText, type SkipReason } from '../search/corpus';
import { walkFolder, type FolderEntry, type FolderSource, type WalkedEntry } from '../search/folder-walk';
import type { CorpusFile } from '../search/indexer';

export interface PickedFolder {
  readonly name: string;
  readonly files: CorpusFile[];
  /** What the walk left out: folders not entered, names it could not use. */
  readonly skipped: ReadonlyMap<string, SkipReason>;
}

const fromFile = (path: string, file: File): CorpusFile => ({
  path,
  bytes: file.size,
  read: async () => new Uint8Array(await file.arrayBuffer()),
});

const textOf = async (file: Promise<File>): Promise<string | undefined> =>
  file.then(async (f) => decodeText(new Uint8Array(await f.arrayBuffer()))).catch(() => undefined);

/** The walked files as CorpusFiles; one that can no longer be opened is named as unreadable. */
async function openAll<F>(walked: readonly WalkedEntry<F>[], open: (file: F) => Promise<File>, skipped: Map<string, SkipReason>): Promise<CorpusFile[]> {
  const files: CorpusFile[] = [];
  for (const { path, file } of walked) {
    const opened = await open(file).catch(() => undefined);
    if (opened) files.push(fromFile(path, opened));
    else skipped.set(path, 'unreadable');
  }
  return files;
}

/** Files of a `<input webkitdirectory>`; their webkitRelativePath starts with the folder name. */
export function fromFileList(list: FileList): PickedFolder {
  const files = Array.from(list);
  const name = files[0]?.webkitRelativePath.split('/')[0] ?? 'folder';
  return { name, files: files.map((f) => fromFile(f.webkitRelativePath.split('/').slice(1).join('/') || f.name, f)), skipped: new Map() };
}

const fileOfEntry = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/** A dropped folder's entries (the File and Directory Entries API): its reader lists a folder in batches. */
const DROPPED_FOLDERS: FolderSource<FileSystemDirectoryEntry, FileSystemFileEntry> = {
  async list(folder) {
    const reader = folder.createReader();
    const entries: FileSystemEntry[] = [];
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject)).catch(() => undefined);
      if (!batch) return undefined;
      if (!batch.length) break;
      entries.push(...batch);
    }
    return entries.flatMap((entry): FolderEntry<FileSystemDirectoryEntry, FileSystemFileEntry>[] =>
      entry.isDirectory ? [{ name: entry.name, folder: entry as FileSystemDirectoryEntry }] : entry.isFile ? [{ name: entry.name, file: entry as FileSystemFileEntry }] : [],
    );
  },
  readText: (file) => textOf(fileOfEntry(file)),
};

/** A folder dropped on the page (the first directory among the dropped items). */
export async function fromDrop(items: DataTransferItemList): Promise<PickedFolder | undefined> {
  const entry = Array.from(items)
    .map((i) => i.webkitGetAsEntry())
    .find((e) => e?.isDirectory);
  if (!entry) return undefined;
  const skipped = new Map<string, SkipReason>();
  const walked = await walkFolder(entry as FileSystemDirectoryEntry, DROPPED_FOLDERS, skipped);
  return { name: entry.name, files: await openAll(walked, fileOfEntry, skipped), skipped };
}

interface FileHandle {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
}

interface DirectoryHandle {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<DirectoryHandle | FileHandle>;
}

/** The File System Access API's handles. */
const PICKED_FOLDERS: FolderSource<DirectoryHandle, FileHandle> = {
  async list(folder) {
    const entries: FolderEntry<DirectoryHandle, FileHandle>[] = [];
    try {
      for await (const child of folder.values()) entries.push(child.kind === 'file' ? { name: child.name, file: child } : { name: child.name, folder: child });
    } catch {
      return undefined;
    }
    return entries;
  },
  readText: (file) => textOf(file.getFile()),
};

export const hasDirectoryPicker = () => 'showDirectoryPicker' in window;

/** The File System Access API's picker, where the browser has it. */
export async function fromDirectoryPicker(): Promise<PickedFolder> {
  const handle = await (window as unknown as { showDirectoryPicker(): Promise<DirectoryHandle> }).showDirectoryPicker();
  const skipped = new Map<string, SkipReason>();
  const walked = await walkFolder(handle, PICKED_FOLDERS, skipped);
  return { name: handle.name, files: await openAll(walked, (file) => file.getFile(), skipped), skipped };
}
