/**
 * The demo's index, persisted in IndexedDB. Embedded chunks are stored per model and per file
 * content hash, so a file that did not change is never embedded again (whatever its path); the last
 * indexed corpus (paths and hashes) is stored per model so that a reload restores it.
 */
import type { Chunk } from './chunker';

export interface StoredFile {
  readonly chunks: readonly Chunk[];
  /** chunks.length x dim, row-major. */
  readonly vectors: Float32Array;
}

export interface StoredCorpus {
  readonly folder: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly hash: string }>;
  readonly updated: number;
}

const DB_NAME = 'c2llm-demo';
const FILES = 'files';
const CORPORA = 'corpora';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class IndexStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(): Promise<IndexStore> {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore(FILES);
      open.result.createObjectStore(CORPORA);
    };
    return new IndexStore(await request(open));
  }

  private store(name: string, mode: IDBTransactionMode): IDBObjectStore {
    return this.db.transaction(name, mode).objectStore(name);
  }

  getFile(model: string, hash: string): Promise<StoredFile | undefined> {
    return request(this.store(FILES, 'readonly').get(`${model}|${hash}`));
  }

  async putFile(model: string, hash: string, file: StoredFile): Promise<void> {
    await request(this.store(FILES, 'readwrite').put(file, `${model}|${hash}`));
  }

  getCorpus(model: string): Promise<StoredCorpus | undefined> {
    return request(this.store(CORPORA, 'readonly').get(model));
  }

  async putCorpus(model: string, corpus: StoredCorpus): Promise<void> {
    await request(this.store(CORPORA, 'readwrite').put(corpus, model));
  }

  async clear(): Promise<void> {
    await Promise.all([request(this.store(FILES, 'readwrite').clear()), request(this.store(CORPORA, 'readwrite').clear())]);
  }
}
