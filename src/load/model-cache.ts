/**
 * Downloaded model files kept in the browser's Cache Storage, so that a second start is offline and
 * fast. An entry is written only after a complete, length-checked download, and records its byte
 * length and SHA-256; on use both are checked again, and an entry that fails is deleted, never used.
 */
import { sha256Hex } from '../hash';

export interface CachedFile {
  readonly url: string;
  readonly bytes: number;
}

const CACHE_NAME = 'c2llm-models-v1';
const SIZE_HEADER = 'x-c2llm-bytes';
const HASH_HEADER = 'x-c2llm-sha256';

export class ModelCache {
  constructor(private readonly storage: CacheStorage = caches, private readonly name = CACHE_NAME) {}

  /** The cached bytes of `url`, or undefined when absent or failing its size/hash check (then removed). */
  async get(url: string): Promise<Uint8Array | undefined> {
    const cache = await this.storage.open(this.name);
    const response = await cache.match(url);
    if (!response) return undefined;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const ok = Number(response.headers.get(SIZE_HEADER)) === bytes.byteLength && response.headers.get(HASH_HEADER) === (await sha256Hex(bytes));
    if (ok) return bytes;
    await cache.delete(url);
    return undefined;
  }

  async put(url: string, bytes: Uint8Array): Promise<void> {
    const cache = await this.storage.open(this.name);
    const headers = { [SIZE_HEADER]: String(bytes.byteLength), [HASH_HEADER]: await sha256Hex(bytes), 'content-type': 'application/octet-stream' };
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
  }

  async list(): Promise<CachedFile[]> {
    const cache = await this.storage.open(this.name);
    const files: CachedFile[] = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      files.push({ url: request.url, bytes: Number(response?.headers.get(SIZE_HEADER) ?? 0) });
    }
    return files;
  }

  /** Removes every cached file, or those whose URL starts with `prefix`. */
  async clear(prefix?: string): Promise<number> {
    const cache = await this.storage.open(this.name);
    let removed = 0;
    for (const request of await cache.keys()) {
      if (prefix === undefined || request.url.startsWith(prefix)) {
        await cache.delete(request);
        removed++;
      }
    }
    return removed;
  }
}
