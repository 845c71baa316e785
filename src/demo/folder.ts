/**
 * The files of a folder the user gave us, as CorpusFiles with paths relative to the folder: from a
 * directory file input, a drag-and-drop, or the File System Access API's directory picker.
 * Skipped folders (node_modules, .git, …) are not descended into where we walk ourselves.
 */
import { skipByPath } from '../search/corpus';
import type { CorpusFile } from '../search/indexer';

export interface PickedFolder {
  readonly name: string;
  readonly files: CorpusFile[];
}

const fromFile = (path: string, file: File): CorpusFile => ({
  path,
  bytes: file.size,
  read: async () => new Uint8Array(await file.arrayBuffer()),
});

/** Files of a `<input webkitdirectory>`; their webkitRelativePath starts with the folder name. */
export function fromFileList(list: FileList): PickedFolder {
  const files = Array.from(list);
  const name = files[0]?.webkitRelativePath.split('/')[0] ?? 'folder';
  return { name, files: files.map((f) => fromFile(f.webkitRelativePath.split('/').slice(1).join('/') || f.name, f)) };
}

function inSkippedFolder(path: string): boolean {
  return skipByPath(`${path}/x.js`, 0) === 'folder';
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: CorpusFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push(fromFile(path, file));
    return;
  }
  if (inSkippedFolder(path)) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const child of batch) await walkEntry(child, path, out);
  }
}

/** A folder dropped on the page (the first directory among the dropped items). */
export async function fromDrop(items: DataTransferItemList): Promise<PickedFolder | undefined> {
  const entry = Array.from(items)
    .map((i) => i.webkitGetAsEntry())
    .find((e) => e?.isDirectory);
  if (!entry) return undefined;
  const files: CorpusFile[] = [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const child of batch) await walkEntry(child, '', files);
  }
  return { name: entry.name, files };
}

interface DirectoryHandle {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<DirectoryHandle | { kind: 'file'; name: string; getFile(): Promise<File> }>;
}

async function walkHandle(handle: DirectoryHandle, prefix: string, out: CorpusFile[]): Promise<void> {
  for await (const child of handle.values()) {
    const path = prefix ? `${prefix}/${child.name}` : child.name;
    if (child.kind === 'file') out.push(fromFile(path, await child.getFile()));
    else if (!inSkippedFolder(path)) await walkHandle(child, path, out);
  }
}

export const hasDirectoryPicker = () => 'showDirectoryPicker' in window;

/** The File System Access API's picker, where the browser has it. */
export async function fromDirectoryPicker(): Promise<PickedFolder> {
  const handle = await (window as unknown as { showDirectoryPicker(): Promise<DirectoryHandle> }).showDirectoryPicker();
  const files: CorpusFile[] = [];
  await walkHandle(handle, '', files);
  return { name: handle.name, files };
}
