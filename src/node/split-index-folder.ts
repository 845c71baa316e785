/**
 * A split index (search/split-index.ts) as a folder on disk. Written so that the folder is always a
 * whole index: the parts first (each under its content-hashed name, each written atomically), the
 * manifest last (atomically, replacing the old one), then the parts no manifest names any more are
 * removed. Only a folder that is new, empty, or already a split index is written into, and only files
 * with the split layout's names are ever removed. Read back through the same names, each part checked.
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IndexFileError, InputError } from '../errors';
import type { IndexData } from '../search/index-file';
import { SplitCodeIndex } from '../search/split-code-index';
import { encodeManifest, MANIFEST_NAME, PART_NAME, splitIndex } from '../search/split-index';
import { writeFileAtomic } from './atomic-write';
import { readRegularFile } from './regular-file';

/** Refuses, before any work, a folder that holds something other than a split index. */
export async function checkSplitFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => undefined);
  if (!info) return;
  if (!info.isDirectory()) throw new InputError(`${folder}: a split index is written as a folder, and this is a file`);
  const names = await readdir(folder);
  if (names.length > 0 && !(await holdsSplitIndex(folder))) throw new InputError(`${folder}: not empty and not a split index (no ${MANIFEST_NAME} of c2llm's); name a new or empty folder`);
}

/**
 * Whether `folder` holds a split index: a manifest.json of c2llm's. One that reads as a JSON object without
 * the "format" field is another tool's (a web app's, a browser extension's), and its folder is no index;
 * one that does not read as JSON, or is no regular file, is a damaged index's, which opening it names.
 */
export async function holdsSplitIndex(folder: string): Promise<boolean> {
  const path = join(folder, MANIFEST_NAME);
  if (!(await lstat(path).catch(() => undefined))) return false;
  try {
    const raw: unknown = JSON.parse(new TextDecoder().decode(await readSplitPart(path)));
    return !(typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !('format' in raw));
  } catch {
    return true;
  }
}

/** Writes `data`'s split layout into `folder`; returns the bytes written in all and the number of files. */
export async function writeSplitIndex(folder: string, data: IndexData): Promise<{ bytes: number; files: number; manifest: number }> {
  await checkSplitFolder(folder);
  await mkdir(folder, { recursive: true });
  const { manifest, files } = splitIndex(data);
  let bytes = 0;
  for (const [name, content] of files) {
    bytes += content.byteLength;
    if (!existsSync(join(folder, name))) await writeFileAtomic(join(folder, name), content);
  }
  const manifestBytes = encodeManifest(manifest);
  await writeFileAtomic(join(folder, MANIFEST_NAME), manifestBytes);
  for (const name of await readdir(folder)) {
    if (PART_NAME.test(name) && !files.has(name)) await rm(join(folder, name), { force: true });
  }
  return { bytes: bytes + manifestBytes.byteLength, files: files.size + 1, manifest: manifestBytes.byteLength };
}

/** Opens a split index folder for search; a part that cannot be read, or is no regular file, is an IndexFileError naming it. */
export async function openSplitIndex(folder: string): Promise<SplitCodeIndex> {
  if (!existsSync(join(folder, MANIFEST_NAME))) throw new IndexFileError(folder, `is a folder but not a split index (no ${MANIFEST_NAME})`);
  return SplitCodeIndex.open(folder, (name) => readSplitPart(join(folder, name)));
}

/** One file of a split index, read whole; an IndexFileError names it where it cannot be. */
const readSplitPart = (path: string) => readRegularFile(path, 'a split index is a folder written by c2llm index --split', (detail, cause) => new IndexFileError(path, detail, { cause }));
