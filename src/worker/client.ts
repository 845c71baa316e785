/**
 * The library a web developer imports: `createEmbedder` starts the engine (engine.ts) in a dedicated
 * module Worker and returns the typed handle of text-embedder.ts.
 */
import * as Comlink from 'comlink';
import type { EngineWorkerApi } from './engine-worker';
import { AbortError } from '../errors';
import { installErrorTransfer } from './error-transfer';
import { throwIfAborted } from './job-queue';
import { loadRequest, textEmbedder, type CreateEmbedderOptions, type TextEmbedder } from './text-embedder';

export * from './text-embedder';

export const DEFAULT_MODEL = 'codefuse-ai/C2LLM-0.5B';

/** Rejects with an AbortError when `signal` fires (the worker, terminated then, cannot answer). */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new AbortError(typeof signal.reason === 'string' ? signal.reason : 'loading was aborted')), { once: true }));
}

export async function createEmbedder(options: CreateEmbedderOptions = {}): Promise<TextEmbedder> {
  installErrorTransfer();
  const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'c2llm-engine' });
  const engine = Comlink.wrap<EngineWorkerApi>(worker);
  try {
    throwIfAborted(options.signal);
    const loading = engine.load(loadRequest(options, DEFAULT_MODEL), options.onProgress ? Comlink.proxy(options.onProgress) : undefined);
    await (options.signal ? Promise.race([loading, aborted(options.signal)]) : loading);
  } catch (error) {
    worker.terminate();
    throw error;
  }
  return textEmbedder(engine, () => {
    engine[Comlink.releaseProxy]();
    worker.terminate();
  });
}
