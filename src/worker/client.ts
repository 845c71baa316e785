/**
 * The library a web developer imports: `createEmbedder` starts the engine in a dedicated module
 * Worker and returns a typed handle. Calls from anywhere are queued and answered in order; an
 * AbortSignal cancels a call that has not started and stops a long one between batches.
 */
import * as Comlink from 'comlink';
import type { DeviceChoice } from '../embedder';
import type { PromptOptions } from '../text/prompts';
import type { EngineWorkerApi } from './engine-worker';
import { installErrorTransfer } from './error-transfer';
import { JobQueue, throwIfAborted } from './job-queue';
import type { EngineInfo, ProgressCallback } from './protocol';

export type { EngineInfo } from './protocol';
export type { LoadProgress } from '../load/hub-source';
export { TASK_INSTRUCTIONS, DOCUMENT_PREFIX, type Task } from '../text/prompts';
export * from '../errors';

export const DEFAULT_MODEL = 'codefuse-ai/C2LLM-0.5B';

export interface CreateEmbedderOptions {
  /** Hugging Face repo id (default C2LLM-0.5B), a base URL in the Hub layout, or the checkpoint's files. */
  readonly model?: string | readonly File[];
  readonly device?: DeviceChoice;
  /** Hub host, for mirrors and tests (default https://huggingface.co). */
  readonly host?: string;
  readonly revision?: string;
  /** Keep downloaded files in Cache Storage (default true). */
  readonly cache?: boolean;
  readonly maxLength?: number;
  /** 'int8': weights quantized per row at load (half the GPU memory of bf16; cosine >= 0.999). */
  readonly dtype?: 'auto' | 'int8';
  readonly onProgress?: ProgressCallback;
}

export interface EmbedOptions extends PromptOptions {
  readonly signal?: AbortSignal;
  /** Texts sent to the worker at a time; cancellation and progress happen between batches. */
  readonly batchSize?: number;
  /** After each batch: texts done, texts in all, tokens computed so far. */
  readonly onProgress?: (done: number, total: number, tokens: number) => void;
}

export interface TextEmbedder {
  /** One Float32Array per text (views into one transferred matrix). */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  info(): Promise<EngineInfo>;
  listCache(): Promise<Array<{ url: string; bytes: number }>>;
  clearCache(prefix?: string): Promise<number>;
  dispose(): void;
}

const DEFAULT_EMBED_BATCH = 16;

export async function createEmbedder(options: CreateEmbedderOptions = {}): Promise<TextEmbedder> {
  installErrorTransfer();
  const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'c2llm-engine' });
  const engine = Comlink.wrap<EngineWorkerApi>(worker);
  const queue = new JobQueue();
  const progress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
  try {
    await engine.load(
      {
        model: options.model ?? DEFAULT_MODEL,
        device: options.device ?? 'auto',
        host: options.host,
        revision: options.revision,
        cache: options.cache,
        maxLength: options.maxLength,
        dtype: options.dtype,
      },
      progress,
    );
  } catch (error) {
    worker.terminate();
    throw error;
  }

  return {
    embed(texts, embedOptions = {}) {
      const { signal, onProgress, batchSize = DEFAULT_EMBED_BATCH, ...prompt } = embedOptions;
      return queue.run(async () => {
        const results: Float32Array[] = [];
        let tokens = 0;
        for (let start = 0; start < texts.length; start += batchSize) {
          throwIfAborted(signal);
          const batch = texts.slice(start, start + batchSize);
          const answer = await engine.embed(batch, prompt);
          const dim = answer.matrix.length / batch.length;
          for (let i = 0; i < batch.length; i++) results.push(answer.matrix.subarray(i * dim, (i + 1) * dim));
          tokens += answer.tokens;
          onProgress?.(results.length, texts.length, tokens);
        }
        return results;
      }, signal);
    },
    info: () => queue.run(() => engine.info()),
    listCache: () => engine.listCache(),
    clearCache: (prefix) => engine.clearCache(prefix),
    dispose() {
      engine[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
