/**
 * The library a web developer imports: `createEmbedder` starts the engine (engine.ts) in a dedicated
 * module Worker and returns the typed handle of text-embedder.ts once its model has loaded;
 * `startEmbedder` returns it at once, beside the model's load.
 */
import * as Comlink from 'comlink';
import type { EngineWorkerApi } from './engine-worker';
import { AbortError } from '../errors';
import { installErrorTransfer } from './error-transfer';
import { throwIfAborted } from './job-queue';
import { loadRequest, textEmbedder, type CreateEmbedderOptions, type EngineInfo, type TextEmbedder } from './text-embedder';

export * from './text-embedder';

export const DEFAULT_MODEL = 'codefuse-ai/C2LLM-0.5B';

/** Rejects with an AbortError when `signal` fires (the worker, terminated then, cannot answer). */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new AbortError(typeof signal.reason === 'string' ? signal.reason : 'loading was aborted')), { once: true }));
}

/** A started engine (startEmbedder): the handle at once, and its model's load. */
export interface StartedEmbedder {
  /** Answers at once what needs no model (loadIndex, a search by words, correct); the rest waits for `loaded`. */
  readonly embedder: TextEmbedder;
  /** Resolves when the model has loaded; rejects where it cannot (an AbortError when `signal` fires), the engine kept for what needs no model. */
  readonly loaded: Promise<EngineInfo>;
}

/**
 * Starts the engine in its Worker and the model's load, and returns before that has finished: a page
 * can load its index and answer searches by words while the model downloads.
 */
export function startEmbedder(options: CreateEmbedderOptions = {}): StartedEmbedder {
  installErrorTransfer();
  const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'c2llm-engine' });
  const engine = Comlink.wrap<EngineWorkerApi>(worker);
  const dispose = () => {
    engine[Comlink.releaseProxy]();
    worker.terminate();
  };
  const load = async () => {
    throwIfAborted(options.signal);
    const loading = engine.load(loadRequest(options, DEFAULT_MODEL), options.onProgress ? Comlink.proxy(options.onProgress) : undefined);
    return await (options.signal ? Promise.race([loading, aborted(options.signal)]) : loading);
  };
  const loaded = load();
  // Not an unhandled rejection where the page only searches by words: the error still reaches whoever awaits `loaded`, embed or a ranked search.
  loaded.catch(() => undefined);
  return { embedder: textEmbedder(engine, dispose, loaded), loaded };
}

export async function createEmbedder(options: CreateEmbedderOptions = {}): Promise<TextEmbedder> {
  const { embedder, loaded } = startEmbedder(options);
  try {
    await loaded;
  } catch (error) {
    embedder.dispose();
    throw error;
  }
  return embedder;
}
