/**
 * A checkpoint from the Hugging Face Hub (or a mirror, or any base URL in the same layout), through
 * the browser cache: `{host}/{repo}/resolve/{revision}/{file}`. Each file is read from the cache when
 * a checked copy is there, else downloaded with progress and retries, then cached. Offline with
 * nothing cached is a DownloadError that says so. Before the first byte, the sizes of the files the
 * model will need are asked (HEAD; the cache's own records for cached files), and those of a sharded
 * checkpoint's shards when its index arrives, so that progress has its total from the start.
 */
import { CheckpointError, DownloadError, ModelNotFoundError } from '../errors';
import type { CheckpointSource } from '../model/source';
import { INDEX_FILE, SINGLE_FILE } from '../model/shard-reader';
import { fetchFile, type FetchFileOptions } from './fetch-file';
import type { ModelCache } from './model-cache';
import type { DownloadProgress } from '../progress';
import { answerWithin } from '../retry';

export type { LoadProgress } from '../progress';

export interface HubSourceOptions extends Omit<FetchFileOptions, 'onProgress'> {
  /** A repo id such as "codefuse-ai/C2LLM-0.5B", or a base URL ending in "/". */
  readonly model: string;
  readonly host?: string;
  readonly revision?: string;
  readonly cache?: ModelCache;
  readonly onProgress?: (progress: DownloadProgress) => void;
}

export const DEFAULT_HUB = 'https://huggingface.co';

export function modelBaseUrl(model: string, host = DEFAULT_HUB, revision = 'main'): string {
  if (/^(https?:)?\/\//.test(model) || model.startsWith('/') || model.startsWith('.')) return model.endsWith('/') ? model : `${model}/`;
  if (!/^[\w.-]+\/[\w.-]+$/.test(model)) throw new ModelNotFoundError(`"${model}" is neither a Hugging Face repo id (owner/name) nor a URL`);
  return `${host.replace(/\/$/, '')}/${model}/resolve/${encodeURIComponent(revision)}/`;
}

export function hubSource(options: HubSourceOptions): CheckpointSource {
  const base = modelBaseUrl(options.model, options.host, options.revision);
  const absolute = (file: string) => new URL(file, new URL(base, globalThis.location?.href)).href;
  const sizes = new Map<string, number>();
  const loaded = new Map<string, number>();
  const report = (file: string, bytes: number, total: number | undefined, fromCache: boolean) => {
    loaded.set(file, bytes);
    if (total !== undefined) sizes.set(file, total);
    const overallLoaded = [...loaded.values()].reduce((a, b) => a + b, 0);
    const overallTotal = Math.max([...sizes.values()].reduce((a, b) => a + b, 0), overallLoaded);
    options.onProgress?.({ phase: 'download', fraction: overallTotal ? overallLoaded / overallTotal : 0, file, loaded: bytes, total, fromCache, overallLoaded, overallTotal });
  };

  const fetchImpl = options.fetch ?? fetch;
  let cacheRecords: Promise<Map<string, number>> | undefined;
  /** Records the sizes of `files` that are not known yet: from the cache's records (read once), else a HEAD request (best effort). */
  const askSizes = async (files: readonly string[]): Promise<Map<string, number>> => {
    const statuses = new Map<string, number>();
    cacheRecords ??= (options.cache?.list() ?? Promise.resolve([])).then((list) => new Map(list.map((f) => [f.url, f.bytes])), () => new Map());
    const cachedSizes = await cacheRecords;
    await Promise.all(
      files.map(async (file) => {
        const cached = cachedSizes.get(absolute(file));
        if (cached) return void sizes.set(file, cached);
        try {
          const response = await fetchImpl(absolute(file), { method: 'HEAD', signal: answerWithin(options.signal) });
          statuses.set(file, response.status);
          const size = Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length'));
          if (response.ok && !(response.headers.get('content-type') ?? '').includes('text/html') && size > 0) sizes.set(file, size);
        } catch {
          // Sizes are for the progress total only; the download itself reports what goes wrong.
        }
      }),
    );
    return statuses;
  };
  let planning: Promise<void> | undefined;
  const plan = () =>
    (planning ??= (async () => {
      // The single weights file first (the common layout): a sharded checkpoint's index only when it is not there.
      const statuses = await askSizes(['config.json', 'tokenizer.json', 'tokenizer_config.json', SINGLE_FILE]);
      if (!sizes.has(SINGLE_FILE) && statuses.get(SINGLE_FILE) !== undefined) await askSizes([INDEX_FILE]);
    })());
  const shardsOf = async (index: Uint8Array) => {
    try {
      const map = (JSON.parse(new TextDecoder().decode(index)) as { weight_map?: Record<string, string> }).weight_map ?? {};
      await askSizes([...new Set(Object.values(map))]);
    } catch {
      // A malformed index is the loader's to report.
    }
  };

  const pending = new Map<string, Promise<Uint8Array>>();
  const read = (file: string): Promise<Uint8Array> => {
    let entry = pending.get(file);
    if (!entry) {
      entry = plan().then(async () => {
        const bytes = await download(file);
        if (file === INDEX_FILE) await shardsOf(bytes);
        return bytes;
      });
      pending.set(file, entry);
      entry.catch(() => pending.delete(file));
    }
    return entry;
  };

  const download = async (file: string): Promise<Uint8Array> => {
    const url = absolute(file);
    const cached = await options.cache?.get(url);
    if (cached) {
      report(file, cached.byteLength, cached.byteLength, true);
      return cached;
    }
    let bytes: Uint8Array;
    try {
      bytes = await fetchFile(url, file, { ...options, onProgress: (p) => report(file, p.loaded, p.total, false) });
    } catch (error) {
      if (error instanceof DownloadError && globalThis.navigator?.onLine === false) {
        throw new DownloadError(`offline, and ${file} of ${options.model} is not in the cache`, { cause: error });
      }
      throw error;
    }
    report(file, bytes.byteLength, bytes.byteLength, false);
    // A full quota (or storage the browser refuses) costs the next start a download, not this load.
    await options.cache?.put(url, bytes).catch(() => undefined);
    return bytes;
  };

  return {
    label: options.model,
    async has(file) {
      try {
        await read(file);
        return true;
      } catch (error) {
        if (error instanceof ModelNotFoundError) return false;
        throw error;
      }
    },
    async readBytes(file) {
      try {
        return await read(file);
      } catch (error) {
        if (error instanceof ModelNotFoundError && file !== 'config.json') throw new CheckpointError(file, `missing from ${options.model} (${error.message})`, { cause: error });
        throw error;
      }
    },
  };
}
