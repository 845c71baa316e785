/**
 * An index loaded before the model (worker/engine.ts, and the handle of text-embedder.ts over it, as
 * startEmbedder makes it for a page): searched by its words at once, exactly as the index file is; what
 * needs the model waits for it; and an index made with another model is refused when the model has
 * loaded, naming the index, and released.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { IndexFileError, InputError } from '../src/errors';
import { nodeModelParts } from '../src/node/node-model';
import { createEmbedder, decodeIndex, indexFolder } from '../src/package/node';
import { CodeIndex } from '../src/search/code-index';
import { Engine } from '../src/worker/engine';
import type { LoadRequest } from '../src/worker/protocol';
import { textEmbedder, type EngineApi } from '../src/worker/text-embedder';
import { checkpointDir, writeFolder } from './helpers/fixtures';

const MODEL = checkpointDir('tiny-f32-gqa1');
const OTHER_MODEL = checkpointDir('small-bf16-gqa2');
const request = (model: string): LoadRequest => ({ model, device: 'cpu' });
const engineFor = (model: string) => {
  const parts = nodeModelParts(model);
  return new Engine({ source: () => parts.source!, gpu: parts.gpu, ort: () => parts.ort });
};

const folder = mkdtempSync(join(tmpdir(), 'c2llm-early-index-'));
let bytes: Uint8Array;
let otherBytes: Uint8Array;

beforeAll(async () => {
  const files: Record<string, string> = {
    'strings/reverse.go': 'package strings\n\n// Reverse returns s with its runes in reverse order.\nfunc Reverse(s string) string {\n\tr := []rune(s)\n\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {\n\t\tr[i], r[j] = r[j], r[i]\n\t}\n\treturn string(r)\n}\n',
    'math/gcd.rs': '/// The greatest common divisor of a and b.\npub fn gcd(mut a: u64, mut b: u64) -> u64 {\n    while b != 0 {\n        let t = b;\n        b = a % b;\n        a = t;\n    }\n    a\n}\n',
    'cache/lru.py': 'def evict_least_recent(cache, capacity):\n    """Drop the least recently used entries until the cache fits."""\n    while len(cache) > capacity:\n        cache.popitem(last=False)\n',
  };
  writeFolder(folder, files);
  for (const [model, set] of [
    [MODEL, (b: Uint8Array) => (bytes = b)],
    [OTHER_MODEL, (b: Uint8Array) => (otherBytes = b)],
  ] as const) {
    const embedder = await createEmbedder({ model, device: 'cpu' });
    try {
      set(await indexFolder(embedder, folder));
    } finally {
      embedder.dispose();
    }
  }
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('an index loaded before the model', () => {
  test('is searched by its words at once, as the index file is; dense search needs the model; once loaded, hybrid search runs', async () => {
    const engine = engineFor(MODEL);
    try {
      const { handle, chunks } = await engine.loadIndex(bytes);
      expect(chunks).toBe(3);
      const query = 'greatest common divisor';
      const words = await engine.search(handle, query, { k: 3, mode: 'lexical' }, {});
      const expected = new CodeIndex(decodeIndex('made', bytes)).search({ text: query }, 3, 'lexical');
      expect(words).toEqual(expected);
      expect(words[0].path).toBe('math/gcd.rs');
      // A query as typed is put in the index's words without the model too: a last word cut short completed.
      expect(await engine.correct(handle, 'greatest common divi')).toBe('greatest common divisor');
      await expect(engine.search(handle, query, { k: 3, mode: 'hybrid' }, {})).rejects.toThrow(InputError);
      await engine.load(request(MODEL));
      const hybrid = await engine.search(handle, query, { k: 3, mode: 'hybrid' }, {});
      expect(hybrid.map((r) => r.path)).toContain('math/gcd.rs');
      expect(hybrid.length).toBe(3);
    } finally {
      engine.dispose();
    }
  });

  test("one made with another model fails the model's load, naming the index, and is released", async () => {
    const engine = engineFor(MODEL);
    try {
      const { handle } = await engine.loadIndex(otherBytes);
      expect((await engine.search(handle, 'reverse a string', { k: 1, mode: 'lexical' }, {}))[0].path).toBe('strings/reverse.go');
      const loading = engine.load(request(MODEL));
      await expect(loading).rejects.toThrow(IndexFileError);
      await expect(loading).rejects.toThrow(/^index: was made with another model/);
      await expect(engine.search(handle, 'reverse a string', { k: 1, mode: 'lexical' }, {})).rejects.toThrow(/was released or never loaded/);
      // Loaded after the model, it is refused at once, as before.
      await expect(engine.loadIndex(otherBytes)).rejects.toThrow(IndexFileError);
    } finally {
      engine.dispose();
    }
  });

  test('the handle answers a search by words before the load has settled, and holds a hybrid search until it has', async () => {
    const engine = engineFor(MODEL);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const loaded = held.then(() => engine.load(request(MODEL)));
    const embedder = textEmbedder(engine as unknown as EngineApi, () => engine.dispose(), loaded);
    try {
      const index = await embedder.loadIndex(bytes);
      expect((await embedder.search(index, 'least recently used cache', { mode: 'lexical', k: 1 }))[0].path).toBe('cache/lru.py');
      let answered = false;
      const hybrid = embedder.search(index, 'least recently used cache', { k: 1 }).then((results) => ((answered = true), results));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(answered).toBe(false);
      release();
      expect((await hybrid).length).toBe(1);
      expect(answered).toBe(true);
    } finally {
      embedder.dispose();
    }
  });
});
