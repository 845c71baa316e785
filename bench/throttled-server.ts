/**
 * A static file server with a slow network built in, for bench/site-load.ts: every answer waits the
 * round trip first, then all bodies share one bandwidth (a token bucket refilled every 10 ms), and text
 * types (.js, .json, .html, .css, .mjs) are gzipped as static hosts serve them; other files go as they
 * are, and a Range request (the model loader reads a checkpoint's header so) gets its bytes. It counts what it sent (bytes on the wire, by kind of file) until `reset`. Never cached.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.wasm': 'application/wasm' };
const GZIPPED = new Set(['.html', '.js', '.mjs', '.json', '.css']);
const TICK_MS = 10;

export interface ThrottledServer {
  reset(): void;
  sent(): { bytes: number; requests: number; byKind: Record<string, number> };
  close(): void;
}

const kindOf = (path: string) => (/\/models\//.test(path) ? 'model' : /\.wasm$/.test(path) ? 'wasm' : /\.m?js$/.test(path) ? 'js' : /\.html$/.test(path) ? 'page' : 'index');

export async function throttledServer(root: string, port: number, network: { bitsPerSecond: number; latencyMs: number }): Promise<ThrottledServer> {
  const perTick = (network.bitsPerSecond / 8) * (TICK_MS / 1000);
  let allowance = 0;
  const waiting: (() => void)[] = [];
  const timer = setInterval(() => {
    // What a chunk overdrew is paid back first; unused allowance does not pile up into a burst.
    allowance = Math.min(perTick, allowance + perTick);
    while (waiting.length && allowance > 0) waiting.shift()!();
  }, TICK_MS);
  /** Resolves when `bytes` may be sent. */
  const take = (bytes: number) =>
    new Promise<void>((resolve) => {
      const attempt = () => {
        if (allowance > 0) {
          allowance -= bytes;
          resolve();
        } else waiting.push(attempt);
      };
      attempt();
    });
  let counts = { bytes: 0, requests: 0, byKind: {} as Record<string, number> };
  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) return void response.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      statSync(file);
    } catch {
      return void response.writeHead(404).end();
    }
    await new Promise((resolve) => setTimeout(resolve, network.latencyMs));
    const ext = extname(file);
    const size = statSync(file).size;
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? ''));
    const [start, end] = range ? [Number(range[1]), Math.min(size - 1, range[2] ? Number(range[2]) : size - 1)] : [0, size - 1];
    const gzip = !range && GZIPPED.has(ext) && /gzip/.test(String(request.headers['accept-encoding']));
    const headers = { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'cache-control': 'no-store', 'accept-ranges': 'bytes', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    if (range) response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': String(end - start + 1) });
    else response.writeHead(200, { ...headers, ...(gzip ? { 'content-encoding': 'gzip' } : { 'content-length': String(size) }) });
    if (request.method === 'HEAD') return void response.end();
    const body: Readable = gzip ? createReadStream(file).pipe(createGzip()) : createReadStream(file, { start, end, highWaterMark: 16 * 1024 });
    counts.requests++;
    const kind = kindOf(path);
    for await (const chunk of body) {
      await take(chunk.length);
      counts.bytes += chunk.length;
      counts.byKind[kind] = (counts.byKind[kind] ?? 0) + chunk.length;
      if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
    }
    response.end();
  };
  const server = createServer((request, response) => void answer(request, response).catch(() => response.destroy()));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    reset: () => (counts = { bytes: 0, requests: 0, byKind: {} }),
    sent: () => counts,
    close: () => {
      clearInterval(timer);
      server.close();
    },
  };
}
