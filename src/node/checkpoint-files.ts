/**
 * A checkpoint folder's files on disk, for what fingerprints them (model-fingerprint.ts) and what
 * downloads them (hub-download.ts): which files make the checkpoint, and a file's SHA-256, streamed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../errors';
import { INDEX_FILE, shardNames, SINGLE_FILE } from '../model/shard-reader';

/** The config and tokenizer files every checkpoint has. */
export const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/**
 * The files of the checkpoint in `dir`: REQUIRED_FILES, then the shard index and the shards it names
 * (each a plain file name in `dir`, shard-reader.ts's shardNames), or the single weights file.
 */
export function checkpointFiles(dir: string): string[] {
  const index = join(dir, INDEX_FILE);
  if (!existsSync(index)) return [...REQUIRED_FILES, SINGLE_FILE];
  let parsed: { weight_map?: unknown };
  try {
    parsed = JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: unknown };
  } catch (cause) {
    throw new CheckpointError(INDEX_FILE, `cannot be read as JSON (${(cause as Error).message})`, { cause });
  }
  return [...REQUIRED_FILES, INDEX_FILE, ...shardNames(parsed?.weight_map)];
}

/** The SHA-256 (hex) of a file, read as a stream: a 15 GB shard is never in memory. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
