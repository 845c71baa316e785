/** Model loading: streamed download with progress, retries, errors, and the checked browser cache. */
import { describe, expect, test } from 'vitest';
import { CheckpointError, DownloadError, ModelNotFoundError } from '../src/errors';
import { fetchFile, fetchOnce } from '../src/load/fetch-file';
import { urlSource } from '../src/load/url-source';
import { hubSource, modelBaseUrl, type LoadProgress } from '../src/load/hub-source';
import { ModelCache } from '../src/load/model-cache';

/** A fake fetch that answers from a script of responses per URL, recording every request. */
/** GETs follow `script` and are recorded in `calls`; HEADs answer the sizes in `sizes` (else 404) and are recorded in `heads`. */
function scriptedFetch(script: Record<string, Array<() => Response | Promise<Response>>>, sizes: Record<string, number> = {}) {
  const calls: string[] = [];
  const heads: string[] = [];
  const impl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (init?.method === 'HEAD') {
      heads.push(url);
      return sizes[url] === undefined ? new Response(null, { status: 404 }) : new Response(null, { headers: { 'content-length': String(sizes[url]) } });
    }
    calls.push(url);
    const steps = script[url];
    if (!steps?.length) return new Response('not found', { status: 404 });
    return (steps.length > 1 ? steps.shift()! : steps[0])();
  }) as typeof fetch;
  return { impl, calls, heads };
}

/** A body in chunks, optionally failing after some of them (an interrupted download). */
function chunked(bytes: Uint8Array, chunk: number, failAfter?: number): Response {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (failAfter !== undefined && sent >= failAfter) return controller.error(new Error('connection reset'));
      if (sent >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(sent, sent + chunk));
      sent += chunk;
    },
  });
  return new Response(stream, { headers: { 'content-length': String(bytes.length) } });
}

/** An in-memory CacheStorage, enough for ModelCache. */
function memoryCaches(): CacheStorage & { entries: Map<string, { body: Uint8Array; headers: Headers }> } {
  const entries = new Map<string, { body: Uint8Array; headers: Headers }>();
  const cache = {
    async match(url: string | Request) {
      const e = entries.get(typeof url === 'string' ? url : url.url);
      return e && new Response(e.body.slice() as Uint8Array<ArrayBuffer>, { headers: e.headers });
    },
    async put(url: string, response: Response) {
      entries.set(url, { body: new Uint8Array(await response.arrayBuffer()), headers: response.headers });
    },
    async delete(url: string | Request) {
      return entries.delete(typeof url === 'string' ? url : url.url);
    },
    async keys() {
      return [...entries.keys()].map((url) => new Request(url));
    },
  };
  return Object.assign({ open: async () => cache as unknown as Cache } as unknown as CacheStorage, { entries });
}

const payload = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);

/** A fetch that answers `first` bytes of `payload` and then nothing, as a stalled server does, until its signal fires. */
const stallingAfter = (first: number) =>
  (async (_: RequestInfo | URL, init?: RequestInit) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(payload.slice(0, first));
        init?.signal?.addEventListener('abort', () => controller.error(init.signal!.reason));
      },
    });
    return new Response(body, { headers: { 'content-length': String(payload.length) } });
  }) as typeof fetch;

describe('fetchFile', () => {
  test('streams with progress up to the full size', async () => {
    const { impl } = scriptedFetch({ 'http://h/f': [() => chunked(payload, 300)] });
    const seen: number[] = [];
    const bytes = await fetchFile('http://h/f', 'f', { fetch: impl, onProgress: (p) => seen.push(p.loaded) });
    expect(bytes).toEqual(payload);
    expect(seen).toEqual([300, 600, 900, 1000]);
  });

  test('retries an interrupted download and a 503, then succeeds', async () => {
    const { impl, calls } = scriptedFetch({
      'http://h/f': [() => chunked(payload, 300, 600), () => new Response('busy', { status: 503 }), () => chunked(payload, 500)],
    });
    expect(await fetchFile('http://h/f', 'f', { fetch: impl, baseDelayMs: 1 })).toEqual(payload);
    expect(calls).toHaveLength(3);
  });

  test('gives up after its retries with a DownloadError', async () => {
    const { impl, calls } = scriptedFetch({ 'http://h/f': [() => new Response('down', { status: 500 })] });
    await expect(fetchFile('http://h/f', 'f', { fetch: impl, retries: 2, baseDelayMs: 1 })).rejects.toThrow(DownloadError);
    expect(calls).toHaveLength(3);
  });

  test('an HTML page in place of a model file (an SPA fallback answering 200) is ModelNotFoundError naming the URL', async () => {
    const url = 'https://app.example/models/x/model.safetensors.index.json';
    const { impl } = scriptedFetch({ [url]: [() => new Response('<!doctype html><html></html>', { headers: { 'content-type': 'text/html; charset=utf-8' } })] });
    const error = await fetchFile(url, 'model.safetensors.index.json', { fetch: impl }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect((error as Error).message).toMatch(/model\.safetensors\.index\.json: the server answered with an HTML page/);
  });

  test('a network error is retried, a 404 is not', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(fetchFile('http://h/f', 'f', { fetch: failing, retries: 1, baseDelayMs: 1 })).rejects.toThrow(/network error \(fetch failed\) \(after 2 attempts\)/);
    const { impl, calls } = scriptedFetch({});
    await expect(fetchFile('http://h/missing', 'missing', { fetch: impl })).rejects.toThrow(ModelNotFoundError);
    expect(calls).toHaveLength(1);
  });

  test('an answer that never comes, and a body that stops arriving, are given up on after the stall timeout, then retried', async () => {
    // As a real fetch does: the request, then its body, fail when the signal fires.
    const abortedBy = (signal: AbortSignal | null | undefined) => new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    const silent = ((_: RequestInfo | URL, init?: RequestInit) => abortedBy(init?.signal)) as typeof fetch;
    await expect(fetchFile('http://h/f', 'f', { fetch: silent, retries: 1, baseDelayMs: 1, timeoutMs: 50 })).rejects.toThrow(/http:\/\/h\/f: no answer within 0\.05 s \(after 2 attempts\)/);
    let answers = 0;
    const stalling = ((input: RequestInfo | URL, init?: RequestInit) => {
      answers++;
      return stallingAfter(10)(input, init);
    }) as typeof fetch;
    const started = Date.now();
    await expect(fetchFile('http://h/f', 'f', { fetch: stalling, retries: 1, baseDelayMs: 1, timeoutMs: 50 })).rejects.toThrow(/download interrupted \(nothing arrived for 0\.05 s\) \(after 2 attempts\)/);
    expect(answers).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('fetchOnce', () => {
  const error = (why: string, cause?: unknown) => new CheckpointError('http://h/f', why, { cause });
  const refused = (response: Response) => (response.ok ? undefined : `HTTP ${response.status}`);

  test("the body in one attempt; a refused answer, a network error, a stall and a broken body are the caller's error", async () => {
    const { impl, calls } = scriptedFetch({ 'http://h/f': [() => chunked(payload, 100)], 'http://h/short': [() => chunked(payload, 100, 500)] });
    expect(await fetchOnce('http://h/f', { fetch: impl, refused, error })).toEqual(payload);
    await expect(fetchOnce('http://h/missing', { fetch: impl, refused, error })).rejects.toThrow(/^http:\/\/h\/f: HTTP 404$/);
    await expect(fetchOnce('http://h/short', { fetch: impl, refused, error })).rejects.toThrow(/^http:\/\/h\/f: cannot be fetched \(connection reset\)$/);
    expect(calls).toEqual(['http://h/f', 'http://h/missing', 'http://h/short']);
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(fetchOnce('http://h/f', { fetch: failing, refused, error })).rejects.toThrow(CheckpointError);
    const started = Date.now();
    await expect(fetchOnce('http://h/f', { fetch: stallingAfter(10), refused, error, timeoutMs: 50 })).rejects.toThrow(/^http:\/\/h\/f: stalled: nothing arrived for 0\.05 s$/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("urlSource reads a checkpoint's files through it: a missing file is a CheckpointError naming its URL", async () => {
    const { impl } = scriptedFetch({ 'http://site/model/config.json': [() => new Response('{}')] });
    const source = urlSource('http://site/model', impl);
    expect(new TextDecoder().decode(await source.readBytes('config.json'))).toBe('{}');
    await expect(source.readBytes('tokenizer.json')).rejects.toThrow(/^http:\/\/site\/model\/tokenizer\.json: file not found \(HTTP 404\)$/);
  });
});

describe('hubSource', () => {
  test('resolves repo ids and URLs', () => {
    expect(modelBaseUrl('codefuse-ai/C2LLM-0.5B')).toBe('https://huggingface.co/codefuse-ai/C2LLM-0.5B/resolve/main/');
    expect(modelBaseUrl('org/m', 'http://127.0.0.1:9/', 'v1.0')).toBe('http://127.0.0.1:9/org/m/resolve/v1.0/');
    expect(modelBaseUrl('/models/demo')).toBe('/models/demo/');
    expect(() => modelBaseUrl('not a repo')).toThrow(ModelNotFoundError);
  });

  test('downloads once with overall progress, then serves from the cache', async () => {
    const base = 'http://hub/o/m/resolve/main/';
    const { impl, calls } = scriptedFetch({ [`${base}a.bin`]: [() => chunked(payload, 400)], [`${base}b.bin`]: [() => chunked(payload.slice(0, 100), 100)] });
    const cache = new ModelCache(memoryCaches());
    const events: LoadProgress[] = [];
    const source = hubSource({ model: 'o/m', host: 'http://hub', cache, fetch: impl, onProgress: (p) => events.push(p) });
    expect(await source.readBytes('a.bin')).toEqual(payload);
    expect(await source.readBytes('b.bin')).toEqual(payload.slice(0, 100));
    expect(events.at(-1)).toMatchObject({ file: 'b.bin', overallLoaded: 1100, overallTotal: 1100, fromCache: false });
    expect(calls).toHaveLength(2);

    const again = hubSource({ model: 'o/m', host: 'http://hub', cache, fetch: impl, onProgress: (p) => events.push(p) });
    expect(await again.readBytes('a.bin')).toEqual(payload);
    expect(calls).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ file: 'a.bin', fromCache: true });
    expect((await cache.list()).map((f) => f.bytes).sort()).toEqual([100, 1000]);
    expect(await cache.clear('http://hub/o/m/')).toBe(2);
    expect(await cache.list()).toEqual([]);
  });

  test('the sizes of the files a model needs are asked first, so the first progress event has the whole total', async () => {
    const base = 'http://hub/o/m/resolve/main/';
    const files = { 'config.json': 10, 'tokenizer.json': 20, 'tokenizer_config.json': 5, 'model.safetensors': 1000 };
    const script = Object.fromEntries(Object.entries(files).map(([f, n]) => [`${base}${f}`, [() => chunked(new Uint8Array(n), n)]]));
    const { impl, heads } = scriptedFetch(script, Object.fromEntries(Object.entries(files).map(([f, n]) => [`${base}${f}`, n])));
    const events: LoadProgress[] = [];
    const source = hubSource({ model: 'o/m', host: 'http://hub', fetch: impl, onProgress: (p) => events.push(p) });
    await source.readBytes('config.json');
    expect(events[0]).toMatchObject({ phase: 'download', file: 'config.json', overallTotal: 1035 });
    // The single weights file is there, so a shard index is never asked for (no 404 on a page's console).
    expect(heads.map((u) => u.slice(base.length)).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    for (const file of ['tokenizer.json', 'tokenizer_config.json', 'model.safetensors']) await source.readBytes(file);
    expect(events.at(-1)).toMatchObject({ fraction: 1, overallLoaded: 1035, overallTotal: 1035 });
  });

  test('a sharded checkpoint: the single file is asked for, absent, so the index is asked for instead', async () => {
    const base = 'http://hub/o/m/resolve/main/';
    const files = { 'config.json': 10, 'tokenizer.json': 20, 'tokenizer_config.json': 5, 'model.safetensors.index.json': 30 };
    const script = Object.fromEntries(Object.entries(files).map(([f, n]) => [`${base}${f}`, [() => chunked(new Uint8Array(n), n)]]));
    const { impl, heads } = scriptedFetch(script, Object.fromEntries(Object.entries(files).map(([f, n]) => [`${base}${f}`, n])));
    await hubSource({ model: 'o/m', host: 'http://hub', fetch: impl }).readBytes('config.json');
    expect(heads.map((u) => u.slice(base.length)).sort()).toEqual(['config.json', 'model.safetensors', 'model.safetensors.index.json', 'tokenizer.json', 'tokenizer_config.json']);
  });

  test('a corrupt cache entry is dropped and downloaded again', async () => {
    const base = 'http://hub/o/m/resolve/main/';
    const { impl, calls } = scriptedFetch({ [`${base}a.bin`]: [() => chunked(payload, 1000)] });
    const storage = memoryCaches();
    const cache = new ModelCache(storage);
    await hubSource({ model: 'o/m', host: 'http://hub', cache, fetch: impl }).readBytes('a.bin');
    storage.entries.get(`${base}a.bin`)!.body[10] ^= 0xff;
    expect(await hubSource({ model: 'o/m', host: 'http://hub', cache, fetch: impl }).readBytes('a.bin')).toEqual(payload);
    expect(calls).toHaveLength(2);
    storage.entries.get(`${base}a.bin`)!.body = payload.slice(0, 500);
    expect(await cache.get(`${base}a.bin`)).toBeUndefined();
    expect(storage.entries.has(`${base}a.bin`)).toBe(false);
  });

  test('a missing file is a CheckpointError naming it; has() says false', async () => {
    const { impl } = scriptedFetch({});
    const source = hubSource({ model: 'o/m', host: 'http://hub', fetch: impl });
    expect(await source.has('model.safetensors.index.json')).toBe(false);
    await expect(source.readBytes('tokenizer.json')).rejects.toThrow(CheckpointError);
    await expect(source.readBytes('tokenizer.json')).rejects.toThrow(/^tokenizer\.json: missing from o\/m/);
  });
});
