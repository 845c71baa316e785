/**
 * What the CLI keeps in its cache folder. The cpu device's graph (node/onnx-graph-store.ts): built once
 * with its weights streamed to an external-data file, used as a file on the next start, and a full disk
 * during the build leaving nothing behind while the load still gives the goldens (the graph then built
 * in memory). File digests for fingerprints (node/model-fingerprint.ts), remembered by file state.
 */
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadCheckpoint, openCheckpoint } from '../src/model/checkpoint';
import { OnnxModel, type GraphStore, type OrtModule } from '../src/model/onnx-model';
import { directorySource } from '../src/node/fs-source';
import { modelFingerprint } from '../src/node/model-fingerprint';
import { cacheRoot } from '../src/node/cache-root';
import { nodeGraphStore } from '../src/node/onnx-graph-store';
import { expectEmbeddingsMatch } from './helpers/compare';
import { checkpointDir, copyCheckpoint, golden } from './helpers/fixtures';

const NAME = 'small-bf16-gqa2';
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
function emptyRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'c2llm-graphs-'));
  roots.push(root);
  return root;
}

/** The store, counting its saves and finds that answered. */
function counted(store: GraphStore): GraphStore & { saves: number; hits: number } {
  const counts = { saves: 0, hits: 0 };
  return Object.assign(counts, {
    async find(key: string) {
      const path = await store.find(key);
      if (path) counts.hits++;
      return path;
    },
    async save(key: string, build: Parameters<GraphStore['save']>[1]) {
      counts.saves++;
      return store.save(key, build);
    },
  });
}

/** The goldens' texts embedded by the cpu device with `store`; `read` gets every byte range the load reads. */
async function embedWith(store: GraphStore | undefined, read: (start: number, end: number) => void = () => undefined): Promise<Float32Array[]> {
  const source = directorySource(checkpointDir(NAME));
  const ranges = source.ranges!;
  const counted = { ...source, ranges: { size: ranges.size, read: (file: string, start: number, end: number) => (read(start, end), ranges.read(file, start, end)) } };
  const ort = (await import('onnxruntime-node')) as unknown as OrtModule;
  const model = await OnnxModel.create(await openCheckpoint(counted), ort, { maxLength: 2048, runtime: 'onnxruntime-node', graphStore: store });
  try {
    return await model.embed(golden(NAME).tokens.map((ids) => Uint32Array.from(ids)));
  } finally {
    model.dispose();
  }
}

describe('the cpu device graph store', () => {
  test('the first load builds the graph into the store (weights in an external data file), the second uses the stored file; both give the goldens', async () => {
    const root = emptyRoot();
    const fingerprint = await modelFingerprint(checkpointDir(NAME), root);
    const store = counted(nodeGraphStore(fingerprint, { root }));
    expectEmbeddingsMatch(await embedWith(store), golden(NAME).embeddings, 'built into the store');
    expect([store.saves, store.hits]).toEqual([1, 0]);
    const [folder] = readdirSync(join(root, 'onnx'));
    expect(folder).toMatch(/^[0-9a-f]{64}-c2llm-graph-v\d+-f32$/);
    const graphBytes = statSync(join(root, 'onnx', folder, 'model.onnx')).size;
    const dataBytes = statSync(join(root, 'onnx', folder, 'model.onnx.data')).size;
    // The weights live in the data file; the graph file holds only the structure and small constants.
    expect(dataBytes).toBeGreaterThan(10 * graphBytes);

    // From the store, only the header, the embedding table and the PMA head are read, not the layers.
    let bytesRead = 0;
    expectEmbeddingsMatch(await embedWith(store, (start, end) => (bytesRead += end - start)), golden(NAME).embeddings, 'from the store');
    expect([store.saves, store.hits]).toEqual([1, 1]);
    const checkpoint = await loadCheckpoint(directorySource(checkpointDir(NAME)));
    const { embedTokens, pma } = checkpoint.weights;
    const kept = embedTokens.bytes.byteLength + Object.values(pma).reduce((sum, t) => sum + t.bytes.byteLength, 0);
    expect(bytesRead).toBeGreaterThanOrEqual(kept);
    expect(bytesRead).toBeLessThan(kept + 64 * 1024);
    expect(bytesRead).toBeLessThan(statSync(join(checkpointDir(NAME), 'model.safetensors')).size * 0.9);
  });

  test('a disk that fills during the build leaves no folder, used or temporary, and the load still gives the goldens', async () => {
    const root = emptyRoot();
    let budget = 20_000;
    const fullDisk = ((fd: number, bytes: Uint8Array, offset: number, length: number) => {
      if (budget <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = Math.min(length, budget);
      budget -= n;
      return writeSync(fd, bytes, offset, n);
    }) as typeof writeSync;
    const store = counted(nodeGraphStore('sha256:' + 'ab'.repeat(32), { root, write: fullDisk }));
    expectEmbeddingsMatch(await embedWith(store), golden(NAME).embeddings, 'disk full: built in memory');
    expect(store.saves).toBe(1);
    expect(readdirSync(join(root, 'onnx'))).toEqual([]);
    // A later start finds nothing stored and tries again.
    expect(await store.find('c2llm-graph-v1-f32')).toBeUndefined();
  });

  test('the cache root: C2LLM_CACHE, else XDG_CACHE_HOME/c2llm, else ~/.cache/c2llm', () => {
    expect(cacheRoot({ C2LLM_CACHE: '/x/c' })).toBe('/x/c');
    expect(cacheRoot({ XDG_CACHE_HOME: '/x/xdg' })).toBe('/x/xdg/c2llm');
    expect(cacheRoot({})).toMatch(/\.cache\/c2llm$/);
  });
});

describe('remembered file digests', () => {
  test('an unchanged checkpoint is not read again; a changed modification time, size or inode is', async () => {
    const root = emptyRoot();
    const dir = copyCheckpoint(NAME);
    const config = join(dir, 'config.json');
    const then = new Date('2026-01-01T00:00:00Z');
    utimesSync(config, then, then);
    const fingerprint = await modelFingerprint(dir, root);
    expect(JSON.parse(readFileSync(join(root, 'file-digests.json'), 'utf8')).files).toHaveProperty([realpathSync(join(dir, 'config.json'))]);
    // The same bytes of config.json rewritten with one changed character, same size, the old times put back:
    // the remembered digest is used (what makes a second start fast, and the limit of the memo).
    writeFileSync(config, readFileSync(config, 'utf8').replace('"', "'"));
    utimesSync(config, then, then);
    expect(await modelFingerprint(dir, root)).toBe(fingerprint);
    // A new modification time: digested again, and the fingerprint is what a fresh cache computes.
    utimesSync(config, then, new Date(then.getTime() + 5000));
    const changed = await modelFingerprint(dir, root);
    expect(changed).not.toBe(fingerprint);
    expect(await modelFingerprint(dir, emptyRoot())).toBe(changed);
  });
});
