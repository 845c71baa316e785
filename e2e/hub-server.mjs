// A local stand-in for the Hugging Face Hub, serving the test checkpoints in the Hub's URL layout
// (/{owner}/{repo}/resolve/{revision}/{file}) with CORS, for the end-to-end tests. Repos:
//   test-org/tiny    fixtures/tiny-f32-gqa1, served normally
//   test-org/flaky   the same files; each file's first GET answers 503, and model.safetensors'
//                    second GET is cut off halfway (an interrupted download)
//   test-org/broken  every request answers 500
//   test-org/corrupt the same files, but model.safetensors' stated SHA-256 (X-Linked-Etag) is wrong
// Files are served with their length and, for model.safetensors, its SHA-256 as the Hub states it for
// LFS files (X-Linked-Etag); a `Range: bytes=N-` request is answered 206 from byte N.
// GET /__stats returns the number of GETs per path, so tests can tell a download from a cache hit.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const port = Number(process.env.HUB_PORT ?? 5299);
const repos = { 'test-org/tiny': 'tiny-f32-gqa1', 'test-org/flaky': 'tiny-f32-gqa1', 'test-org/broken': 'tiny-f32-gqa1', 'test-org/corrupt': 'tiny-f32-gqa1' };
const gets = new Map();

createServer((request, response) => {
  response.setHeader('Access-Control-Allow-Origin', '*');
  response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/__stats') {
    response.setHeader('content-type', 'application/json');
    return response.end(JSON.stringify(Object.fromEntries(gets)));
  }
  const match = /^\/([\w.-]+\/[\w.-]+)\/resolve\/[\w.%-]+\/([\w.-]+)$/.exec(url.pathname);
  const folder = match && repos[match[1]];
  const file = folder && join(root, folder, match[2]);
  if (!file || !existsSync(file) || match[2] === 'golden.json') {
    response.statusCode = 404;
    return response.end('Entry not found');
  }
  const count = request.method === 'GET' ? (gets.get(url.pathname) ?? 0) + 1 : 0;
  if (request.method === 'GET') gets.set(url.pathname, count);
  const repo = match[1];
  if (repo === 'test-org/broken' || (repo === 'test-org/flaky' && count === 1)) {
    response.statusCode = repo === 'test-org/broken' ? 500 : 503;
    return response.end('server error');
  }
  const size = statSync(file).size;
  response.setHeader('content-type', 'application/octet-stream');
  if (match[2] === 'model.safetensors') {
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    response.setHeader('x-linked-etag', `"${repo === 'test-org/corrupt' ? sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')) : sha256}"`);
    response.setHeader('x-linked-size', String(size));
  }
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  if (range && start >= size) {
    response.statusCode = 416;
    return response.end();
  }
  if (range) {
    response.statusCode = 206;
    response.setHeader('content-range', `bytes ${start}-${size - 1}/${size}`);
  }
  response.setHeader('content-length', String(size - start));
  if (request.method === 'HEAD') return response.end();
  if (repo === 'test-org/flaky' && count === 2 && match[2] === 'model.safetensors') {
    const half = createReadStream(file, { start: 0, end: Math.floor(size / 2) - 1 });
    half.on('data', (chunk) => response.write(chunk));
    half.on('end', () => setTimeout(() => response.socket?.destroy(), 50));
    return;
  }
  createReadStream(file, { start }).pipe(response);
}).listen(port, '127.0.0.1', () => console.log(`hub: http://127.0.0.1:${port}`));
