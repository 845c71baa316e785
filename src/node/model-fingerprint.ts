/**
 * A checkpoint folder's fingerprint (model/fingerprint.ts), each file streamed from disk through
 * SHA-256, so that even a 15 GB checkpoint is never held in memory to be fingerprinted.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../errors';
import { combineFileDigests } from '../model/fingerprint';

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (cause) {
    throw new CheckpointError(path, `cannot be read (${(cause as Error).message})`, { cause });
  }
  return hash.digest('hex');
}

export async function modelFingerprint(dir: string): Promise<string> {
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
    files.push('model.safetensors.index.json', ...new Set(Object.values(map)));
  } else {
    files.push('model.safetensors');
  }
  const digests = new Map<string, string>();
  for (const file of files) digests.set(file, await fileDigest(join(dir, file)));
  return combineFileDigests(digests);
}
