/**
 * The package's Node entry (src/package/node.ts): the same handle as in a browser, its load progress in
 * phases, `q8` as int8, an AbortSignal that stops the loading, a Hub repo id through the disk cache
 * (against the local Hub stand-in, e2e/hub-server.mjs), and `indexFolder`, which makes the index `c2llm
 * index` makes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { indexCommand } from '../src/cli/index-command';
import { AbortError, InputError } from '../src/errors';
import { createEmbedder, decodeIndex, indexFolder, type IndexProgress } from '../src/package/node';
import type { LoadProgress } from '../src/progress';
import { expectEmbeddingsMatch } from './helpers/compare';
import { checkpointDir, golden, TEXTS, writeFolder } from './helpers/fixtures';
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

  test("indexFolder: a folder's code as the bytes c2llm index writes for it on the same device (the same walk, chunks and vectors), searchable at once; a missing folder, an exclude that is no pattern, a size limit that is no size and an abort are typed errors", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'c2llm-index-folder-'));
    const files: Record<string, string> = {
      'strings/reverse.go': 'package strings\n\nfunc Reverse(s string) string {\n\tr := []rune(s)\n\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {\n\t\tr[i], r[j] = r[j], r[i]\n\t}\n\treturn string(r)\n}\n',
      'math/gcd.rs': 'pub fn gcd(mut a: u64, mut b: u64) -> u64 {\n    while b != 0 {\n        let t = b;\n        b = a % b;\n        a = t;\n    }\n    a\n}\n',
      'legacy/old.py': 'def old():\n    return 1\n',
      'node_modules/dep/index.js': 'module.exports = 1;\n',
      'scratch/try.js': 'module.exports = 2;\n',
      '.gitignore': 'scratch/\n',
    };
    writeFolder(folder, files);
    const embedder = await createEmbedder({ device: 'cpu' });
    try {
      const reports: IndexProgress[] = [];
      const bytes = await indexFolder(embedder, folder, { exclude: ['legacy/'], onProgress: (p) => reports.push(p) });
      const data = decodeIndex('made', bytes);
      expect(data.files.map((f) => f.path).sort()).toEqual(['math/gcd.rs', 'strings/reverse.go']);
      expect(data.model).toEqual({ id: 'C2LLM-nano', fingerprint: (await embedder.info()).fingerprint });
      expect([...reports[0].skipped].sort()).toEqual([['.gitignore', 'not code'], ['legacy/', 'ignored'], ['node_modules/', 'folder'], ['scratch/', 'ignored']]);

      const cli = join(folder, '..', `${folder.split('/').at(-1)}.c2idx`);
      await indexCommand([folder, '--output', cli, '--exclude', 'legacy/', '--device', 'cpu'], () => undefined);
      const written = new Uint8Array(readFileSync(cli));
      rmSync(cli);
      expect(bytes).toEqual(written);

      const index = await embedder.loadIndex(bytes);
      expect((await embedder.search(index, 'reverse a string', { k: 1 }))[0]).toMatchObject({ path: 'strings/reverse.go', startLine: 1, endLine: 9 });

      await expect(indexFolder(embedder, join(folder, 'missing'))).rejects.toThrow(InputError);
      await expect(indexFolder(embedder, folder, { exclude: ['legacy/', ' '] })).rejects.toThrow(/^indexFolder: exclude " " leaves nothing out/);
      await expect(indexFolder(embedder, folder, { exclude: ['# tests'] })).rejects.toThrow(InputError);
      await expect(indexFolder(embedder, folder, { exclude: 'legacy/' as unknown as string[] })).rejects.toThrow(/^indexFolder: exclude is a list of patterns/);
      for (const maxFileKb of [0, -1, Number.NaN, Infinity]) await expect(indexFolder(embedder, folder, { maxFileKb })).rejects.toThrow(/^indexFolder: maxFileKb .* is not a positive number of KiB$/);
      await expect(indexFolder(embedder, folder, { signal: AbortSignal.abort('stop') })).rejects.toBeInstanceOf(AbortError);
    } finally {
      embedder.dispose();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
