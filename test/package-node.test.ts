/**
 * The package's Node entry (src/package/node.ts): the same handle as in a browser, its load progress in
 * phases, `q8` as int8, an AbortSignal that stops the loading, and a Hub repo id through the disk cache
 * (against the local Hub stand-in, e2e/hub-server.mjs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AbortError } from '../src/errors';
import { createEmbedder } from '../src/package/node';
import type { LoadProgress } from '../src/progress';
import { expectEmbeddingsMatch } from './helpers/compare';
import { checkpointDir, golden, TEXTS } from './helpers/fixtures';
import { startHub } from './helpers/hub';

const HOST = 'http://127.0.0.1:5312';
let hub: { stop(): void };
const cache = mkdtempSync(join(tmpdir(), 'c2llm-node-entry-'));
const previousCache = process.env.HF_HUB_CACHE;

beforeAll(async () => {
  process.env.HF_HUB_CACHE = cache;
  hub = await startHub(5312);
});

afterAll(() => {
  hub.stop();
  rmSync(cache, { recursive: true, force: true });
  if (previousCache === undefined) delete process.env.HF_HUB_CACHE;
  else process.env.HF_HUB_CACHE = previousCache;
});

describe("the package's Node entry", () => {
  test('a Hub repo id: downloaded into the cache with progress in phases (download with its total from the first event, compile, ready), embeddings equal to the goldens', async () => {
    const events: LoadProgress[] = [];
    const embedder = await createEmbedder({ model: 'test-org/tiny', host: HOST, device: 'cpu', onProgress: (p) => events.push(p) });
    try {
      const downloads = events.filter((e) => e.phase === 'download');
      expect(downloads.length).toBeGreaterThan(0);
      expect(downloads.every((e) => e.phase === 'download' && e.overallTotal === (downloads[0] as typeof e).overallTotal)).toBe(true);
      expect(downloads.at(-1)!.fraction).toBe(1);
      expect(events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1])).toEqual(['download', 'compile', 'ready']);
      expect(events.at(-1)).toEqual({ phase: 'ready', fraction: 1, done: 1, total: 1 });
      const expected = golden('tiny-f32-gqa1').embeddings;
      expectEmbeddingsMatch(await embedder.embed(TEXTS), expected, 'Node entry, Hub model');
    } finally {
      embedder.dispose();
    }
  });

  test("dtype 'q8' is int8 (transformers.js's name), on the cpu device", async () => {
    const embedder = await createEmbedder({ model: checkpointDir('small-bf16-gqa2'), device: 'cpu', dtype: 'q8' });
    try {
      expect((await embedder.info()).adapter).toMatch(/int8 weights/);
    } finally {
      embedder.dispose();
    }
  });

  test('an AbortSignal stops the loading: already aborted, or aborted while the files download', async () => {
    await expect(createEmbedder({ model: checkpointDir('tiny-f32-gqa1'), signal: AbortSignal.abort('not now') })).rejects.toBeInstanceOf(AbortError);
    const controller = new AbortController();
    const loading = createEmbedder({ model: 'test-org/flaky', host: HOST, device: 'reference', signal: controller.signal, onProgress: () => controller.abort('stop') });
    await expect(loading).rejects.toBeInstanceOf(AbortError);
  });
});
