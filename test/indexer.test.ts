import { CodeIndex } from '../src/search/code-index';
import { TEXTS_PER_REPORT } from '../src/batching';
import { describe, expect, test } from 'vitest';
import { AbortError } from '../src/errors';
import type { StoredCorpus, StoredFile } from '../src/search/indexer';
import { indexCorpus, restoreCorpus, shardOf, type CorpusFile, type DocumentEmbedder, type IndexStoreLike } from '../src/search/indexer';

const DIM = 4;

function memoryStore(): IndexStoreLike & { files: Map<string, StoredFile> } {
  const files = new Map<string, StoredFile>();
  const corpora = new Map<string, StoredCorpus>();
  return {
    files,
    getFile: async (m, h) => files.get(`${m}|${h}`),
    putFile: async (m, h, f) => void files.set(`${m}|${h}`, f),
    getCorpus: async (m) => corpora.get(m),
    putCorpus: async (m, c) => void corpora.set(m, c),
  };
}

/** A fake embedder: a text's vector is a one-hot of its first character code modulo DIM; counts texts embedded. */
function fakeEmbedder(abortAfterCalls?: { controller: AbortController; calls: number }) {
  const embedded: string[] = [];
  let calls = 0;
  const embedder: DocumentEmbedder = {
    async embed(texts, options) {
      if (options.signal?.aborted) throw new AbortError('aborted');
      embedded.push(...texts);
      calls++;
      if (abortAfterCalls && calls === abortAfterCalls.calls) abortAfterCalls.controller.abort();
      options.onProgress?.(texts.length, texts.length, texts.length * 10);
      return texts.map((t) => {
        const v = new Float32Array(DIM);
        v[t.charCodeAt(0) % DIM] = 1;
        return v;
      });
    },
  };
  return { embedder, embedded };
}

const file = (path: string, text: string | Uint8Array): CorpusFile => {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return { path, bytes: bytes.length, read: async () => bytes };
};

const corpus = [
  file('src/a.py', 'def a():\n    return 1\n'),
  file('src/b.ts', 'export const b = 2;\n'),
  file('node_modules/x/index.js', 'module.exports = 1;\n'),
  file('img.png', Uint8Array.from([0x89, 0x50, 0, 0])),
  file('bin.js', Uint8Array.from([0x61, 0, 0x62])),
  file('package-lock.json', '{}'),
  file('web/app.js', `!function(){${'var a=1;'.repeat(40)}}();\n`),
];

describe('indexCorpus', () => {
  test('indexes code, skips the rest with reasons, reports progress', async () => {
    const store = memoryStore();
    const { embedder, embedded } = fakeEmbedder();
    const progress: number[] = [];
    const report = await indexCorpus({ folder: 'p', files: corpus, model: 'm', dim: DIM, store, embedder, onProgress: (p) => progress.push(p.chunksDone) });
    expect(report.files).toBe(2);
    expect(report.corpus.size).toBe(2);
    expect(embedded).toHaveLength(2);
    expect(report.tokens).toBe(20);
    expect(Object.fromEntries(report.skipped)).toEqual({ 'node_modules/x/index.js': 'folder', 'img.png': 'not code', 'bin.js': 'binary', 'package-lock.json': 'lock file', 'web/app.js': 'minified' });
    expect(progress.at(-1)).toBe(2);
    const index = new CodeIndex(report.corpus.toIndexData({ id: 'm', fingerprint: 'sha256:m' }));
    const [top] = index.search({ vector: Float32Array.from([0, 1, 0, 0]) }, 1, 'dense'); // 'e' of "export" is 101, 101 % 4 = 1
    expect(top.path).toBe('src/b.ts');
  });

  test("files the folder's .gitignore files and its .git/info/exclude leave out are skipped, in every shard, wherever the files themselves fall", async () => {
    const files = [
      file('.git/info/exclude', '*.local.ts\n'),
      file('src/db.local.ts', 'export const db = 1;\n'),
      file('.gitignore', '*.pb.go\n/gen/\n'),
      file('api/.gitignore', '!keep.pb.go\n'),
      file('api/user.go', 'package api\n'),
      file('api/user.pb.go', 'package api\n'),
      file('api/keep.pb.go', 'package api\n'),
      file('gen/types.ts', 'export type T = 1;\n'),
      file('src/gen/x.ts', 'export const x = 1;\n'),
    ];
    const run = async (shard?: { index: number; count: number }) =>
      indexCorpus({ folder: 'p', files, model: 'm', dim: DIM, store: memoryStore(), embedder: fakeEmbedder().embedder, shard });
    const whole = await run();
    expect([...whole.skipped].filter(([, why]) => why === 'ignored').map(([path]) => path).sort()).toEqual(['api/user.pb.go', 'gen/', 'src/db.local.ts']);
    expect(whole.files).toBe(3);
    const shards = [0, 1, 2].map((index) => ({ index, count: 3 }));
    expect(['api/user.pb.go', 'gen/types.ts'].some((path) => shardOf(path, 3) !== shardOf('.gitignore', 3))).toBe(true); // so a shard without it must still read it
    const parts = await Promise.all(shards.map((sh) => run(sh)));
    expect(parts.flatMap((r) => [...r.skipped].filter(([, why]) => why === 'ignored').map(([path]) => path)).sort()).toEqual(['api/user.pb.go', 'gen/', 'src/db.local.ts']);
    expect(parts.reduce((n, r) => n + r.files, 0)).toBe(3);
  });

  test('a Markdown section is embedded and found by words with the headings it sits under', async () => {
    const { embedder, embedded } = fakeEmbedder();
    const docs = file('docs/guide.md', '# Deploying\nOverview.\n\n## Rollback\nRun the previous release again.\n');
    const report = await indexCorpus({ folder: 'p', files: [docs], model: 'm', dim: DIM, store: memoryStore(), embedder });
    expect(embedded).toEqual(['# Deploying\nOverview.\n\n## Rollback\nRun the previous release again.']);
    const sections = await indexCorpus({ folder: 'p', files: [file('docs/guide.md', '# Deploying\n' + 'Overview.\n'.repeat(25) + '## Rollback\n' + 'Run the previous release again.\n'.repeat(25))], model: 'm', dim: DIM, store: memoryStore(), embedder });
    expect(embedded.slice(1)).toEqual([expect.stringMatching(/^# Deploying\n/), expect.stringMatching(/^Deploying\n## Rollback\n/)]);
    const index = new CodeIndex(sections.corpus.toIndexData({ id: 'm', fingerprint: 'sha256:m' }));
    // The Rollback section never says "Deploying"; its heading path does.
    expect(index.search({ text: 'deploying' }, 10, 'lexical').map((r) => r.startLine).sort((x, y) => x - y)).toEqual([1, 27]);
    expect(report.files).toBe(1);
  });

  test('reopening only embeds what changed, and restore rebuilds without embedding', async () => {
    const store = memoryStore();
    await indexCorpus({ folder: 'p', files: corpus, model: 'm', dim: DIM, store, embedder: fakeEmbedder().embedder });
    const { embedder, embedded } = fakeEmbedder();
    const changed = [corpus[0], file('src/b.ts', 'export const b = 3;\n')];
    const report = await indexCorpus({ folder: 'p', files: changed, model: 'm', dim: DIM, store, embedder });
    expect(report.reusedFiles).toBe(1);
    expect(embedded).toEqual(['export const b = 3;']);
    const restored = await restoreCorpus('m', DIM, store);
    expect(restored?.folder).toBe('p');
    expect(restored?.corpus.size).toBe(2);
    expect(await restoreCorpus('other-model', DIM, store)).toBeUndefined();
  });

  test('a file deleted after the folder was chosen is skipped and named; the others are indexed', async () => {
    const gone: CorpusFile = { path: 'src/gone.py', bytes: 10, read: async () => Promise.reject(new DOMException('A requested file could not be found', 'NotFoundError')) };
    const report = await indexCorpus({ folder: 'p', files: [...corpus, gone], model: 'm', dim: DIM, store: memoryStore(), embedder: fakeEmbedder().embedder });
    expect(report.files).toBe(2);
    expect(report.skipped.get('src/gone.py')).toBe('unreadable');
  });

  test('a store that fails (a full quota) leaves every file searchable in memory, and the report says what was not saved', async () => {
    const store = memoryStore();
    let writes = 0;
    store.putFile = async () => {
      if (++writes > 1) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const report = await indexCorpus({ folder: 'p', files: corpus, model: 'm', dim: DIM, store, embedder: fakeEmbedder().embedder });
    expect(report.corpus.size).toBe(2);
    expect(report.unsaved).toHaveLength(1);
    expect(report.storageError).toMatch(/quota has been exceeded/);
    expect(await store.getCorpus('m')).toBeUndefined();
  });

  test('each progress report holds the files done so far, to be searched: those unchanged from the first report, then each batch', async () => {
    const store = memoryStore();
    const many = Array.from({ length: 40 }, (_, i) => file(`f${i}.py`, `def f${i}():\n    return ${i}\n`));
    await indexCorpus({ folder: 'p', files: many.slice(0, 5), model: 'm', dim: DIM, store, embedder: fakeEmbedder().embedder });
    const seen: Array<{ chunksDone: number; searchable: number; paths: string[] }> = [];
    const report = await indexCorpus({
      folder: 'p',
      files: many,
      model: 'm',
      dim: DIM,
      store,
      embedder: fakeEmbedder().embedder,
      onProgress: (p, done) => seen.push({ chunksDone: p.chunksDone, searchable: done.size, paths: done.toIndexData({ id: 'm', fingerprint: 'f' }).files.map((f) => f.path) }),
    });
    const batch = TEXTS_PER_REPORT.interactive;
    expect(seen.map((s) => s.chunksDone)).toEqual([0, batch, 35]);
    expect(seen.map((s) => s.searchable)).toEqual([5, 5 + batch, 40]);
    expect(seen[0].paths).toEqual(['f0.py', 'f1.py', 'f2.py', 'f3.py', 'f4.py']);
    expect(seen[1].paths.sort()).toEqual(many.slice(0, 5 + batch).map((f) => f.path).sort());
    expect(report.corpus.size).toBe(40);
  });

  test('cancelling keeps the files finished so far', async () => {
    const store = memoryStore();
    const controller = new AbortController();
    const many = Array.from({ length: 40 }, (_, i) => file(`f${i}.py`, `def f${i}():\n    return ${i}\n`));
    const { embedder } = fakeEmbedder({ controller, calls: 1 });
    await expect(indexCorpus({ folder: 'p', files: many, model: 'm', dim: DIM, store, embedder, signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    // One batch of the demo's batch size was embedded (and its files stored) before the cancel took effect.
    expect(store.files.size).toBe(TEXTS_PER_REPORT.interactive);
  });
});
