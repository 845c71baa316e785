/**
 * The library a web developer imports: `createEmbedder` starts the engine (engine.ts) in a dedicated
 * module Worker and returns the typed handle of text-embedder.ts.
 */
import * as Comlink from 'comlink';
import type { EngineWorkerApi } from './engine-worker';
import { installErrorTransfer } from './error-transfer';
import { loadRequest, textEmbedder, type CreateEmbedderOptions, type TextEmbedder } from './text-embedder';

export * from './text-embedder';

export const DEFAULT_MODEL = 'codefuse-ai/C2LLM-0.5B';

export async function createEmbedder(options: CreateEmbedderOptions = {}): Promise<TextEmbedder> {
  installErrorTransfer();
  const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'c2llm-engine' });
  const engine = Comlink.wrap<EngineWorkerApi>(worker);
  try {
    await engine.load(loadRequest(options, DEFAULT_MODEL), options.onProgress ? Comlink.proxy(options.onProgress) : undefined);
  } catch (error) {
    worker.terminate();
    throw error;
  }
  return textEmbedder(engine, () => {
    engine[Comlink.releaseProxy]();
    worker.terminate();
  });
}
