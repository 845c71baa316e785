/**
 * The demo's index, persisted in IndexedDB. Embedded chunks are stored per model and per file
 * content hash, so a file that did not change is never embedded again (whatever its path); the last
 * indexed corpus (paths and hashes) is stored per model so that a reload restores it. A write counts
 * when its transaction commits (a full quota aborts it, and the caller hears so); MemoryStore stands in
 * where IndexedDB cannot be opened.
 */
import type { StoredCorpus, StoredFile } from '../search/indexer';

const DB_NAME = 'c2llm-demo';
const FILES = 'files';
const CORPORA = 'corpora';

/** Resolves when a write transaction has committed; rejects when it aborts (a full quota) or fails. */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
    tx.onerror = () => reject(tx.error);
  });
}

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

  /** Resolves only once the write has committed. */
  putFile(model: string, hash: string, file: StoredFile): Promise<void> {
    return this.write(FILES, (store) => store.put(file, `${model}|${hash}`));
  }

  private write(name: string, body: (store: IDBObjectStore) => void): Promise<void> {
    const tx = this.db.transaction(name, 'readwrite');
    body(tx.objectStore(name));
    return committed(tx);
  }

  getCorpus(model: string): Promise<StoredCorpus | undefined> {
    return request(this.store(CORPORA, 'readonly').get(model));
  }

  putCorpus(model: string, corpus: StoredCorpus): Promise<void> {
    return this.write(CORPORA, (store) => store.put(corpus, model));
  }

  async clear(): Promise<void> {
    await Promise.all([this.write(FILES, (store) => store.clear()), this.write(CORPORA, (store) => store.clear())]);
  }
}

/** A store that keeps nothing beyond the page's life: used where IndexedDB cannot be opened. */
export class MemoryStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly corpora = new Map<string, StoredCorpus>();

  async getFile(model: string, hash: string): Promise<StoredFile | undefined> {
    return this.files.get(`${model}|${hash}`);
  }

  async putFile(model: string, hash: string, file: StoredFile): Promise<void> {
    this.files.set(`${model}|${hash}`, file);
  }

  async getCorpus(model: string): Promise<StoredCorpus | undefined> {
    return this.corpora.get(model);
  }

  async putCorpus(model: string, corpus: StoredCorpus): Promise<void> {
    this.corpora.set(model, corpus);
  }

  async clear(): Promise<void> {
    this.files.clear();
    this.corpora.clear();
  }
}
