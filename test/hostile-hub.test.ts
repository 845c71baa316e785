/**
 * A hostile Hub (a server on 127.0.0.1 of this test's own) against node/hub-download.ts: shard names and
 * commits that point outside the cache, a SHA-256 stated only on a redirect, a body that never ends, a
 * server that stalls or never answers, and three downloads of one repo at once. Each case checks what
 * the user sees (one typed error naming the problem) and what the disk holds (nothing outside the
 * cache root, nothing under a final name that was not checked).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CheckpointError, DownloadError } from '../src/errors';
import { hubSnapshot } from '../src/node/hub-download';
import { checkpointDir } from './helpers/fixtures';

const SOURCE = checkpointDir('tiny-f32-gqa1');
const file = (name: string) => readFileSync(join(SOURCE, name));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const COMMIT = 'a'.repeat(40);

type Handler = (name: string, request: IncomingMessage, response: ServerResponse) => boolean;

/** Serves the tiny checkpoint for any repo; `handlers[repo]` may answer a request its own way first. */
function hostileHub(handlers: Record<string, Handler>): Promise<{ host: string; server: Server }> {
  const server = createServer((request, response) => {
    const match = /^\/([\w.-]+\/[\w.-]+)\/resolve\/[^/]+\/(.+)$/.exec(new URL(request.url ?? '/', 'http://x').pathname);
    if (!match) return void response.writeHead(404).end();
    const [, repo, name] = match;
    if (handlers[repo]?.(decodeURIComponent(name), request, response)) return;
    if (!existsSync(join(SOURCE, name)) || name === 'golden.json') return void response.writeHead(404).end('Entry not found');
    const bytes = file(name);
    response.writeHead(200, { 'content-length': bytes.byteLength, 'content-type': 'application/octet-stream' });
    response.end(request.method === 'HEAD' ? undefined : bytes);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ host: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

/** An index naming `shards` as the checkpoint's weight files. */
function indexNaming(shards: string[]): Handler {
  const index = Buffer.from(JSON.stringify({ weight_map: Object.fromEntries(shards.map((s, i) => [`tensor.${i}`, s])) }));
  return (name, request, response) => {
    if (name === 'model.safetensors.index.json') {
      response.writeHead(200, { 'content-length': index.byteLength, 'content-type': 'application/json' });
      response.end(request.method === 'HEAD' ? undefined : index);
      return true;
    }
    if (name === 'model.safetensors') return false;
    if (!existsSync(join(SOURCE, name))) {
      // Whatever the name asks for, a careless server answers with bytes.
      const bytes = file('model.safetensors');
      response.writeHead(200, { 'content-length': bytes.byteLength, 'content-type': 'application/octet-stream' });
      response.end(request.method === 'HEAD' ? undefined : bytes);
      return true;
    }
    return false;
  };
}

let hub: { host: string; server: Server };
const outers: string[] = [];

/** A fresh folder holding only the cache root `cache/`: anything else appearing in it was written outside the cache. */
function sandbox(): { outer: string; root: string } {
  const outer = mkdtempSync(join(tmpdir(), 'c2llm-hostile-'));
  outers.push(outer);
  mkdirSync(join(outer, 'cache'));
  return { outer, root: join(outer, 'cache') };
}

const weights = file('model.safetensors');

beforeAll(async () => {
  const build = spawnSync('npm', ['run', 'build:cli'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build:cli failed: ${build.stderr}`);
  hub = await hostileHub({
    'evil/dotdot': indexNaming(['../../escaped.safetensors']),
    'evil/absolute': indexNaming([join(tmpdir(), 'c2llm-absolute-escape.safetensors')]),
    'evil/query': indexNaming(['x?/../../../escaped.safetensors']),
    'evil/fragment': indexNaming(['x#/../../../escaped.safetensors']),
    'evil/commit': (name, request, response) => {
      if (name !== 'config.json' || request.method !== 'HEAD') return false;
      response.writeHead(200, { 'content-length': file('config.json').byteLength, 'x-repo-commit': '../../../escaped-snapshot' });
      response.end();
      return true;
    },
    // The Hub's way for LFS files: HEAD answers 302 with the size and SHA-256 on the redirect itself.
    'evil/redirect': (name, request, response) => {
      if (name !== 'model.safetensors') return false;
      const changed = Buffer.from(weights);
      changed[changed.byteLength - 1] ^= 0x40;
      if (request.method === 'HEAD' && !request.url?.includes('cdn=1')) {
        response.writeHead(302, { location: `${request.url}?cdn=1`, 'x-linked-etag': `"${sha256(weights)}"`, 'x-linked-size': String(weights.byteLength), 'x-repo-commit': COMMIT });
        return void response.end(), true;
      }
      response.writeHead(200, { 'content-length': changed.byteLength, 'content-type': 'application/octet-stream' });
      response.end(request.method === 'HEAD' ? undefined : changed);
      return true;
    },
    'good/redirect': (name, request, response) => {
      if (name !== 'model.safetensors' || request.url?.includes('cdn=1')) return false;
      response.writeHead(302, { location: `${request.url}?cdn=1`, 'x-linked-etag': `"${sha256(weights)}"`, 'x-linked-size': String(weights.byteLength) });
      return void response.end(), true;
    },
    // Every file sent in ten pieces 30 ms apart, so that downloads started together overlap.
    'slow/shared': (name, request, response) => {
      if (!existsSync(join(SOURCE, name)) || name === 'golden.json') return false;
      const bytes = file(name);
      response.writeHead(200, { 'content-length': bytes.byteLength, 'content-type': 'application/octet-stream' });
      if (request.method === 'HEAD') return void response.end(), true;
      const step = Math.ceil(bytes.byteLength / 10);
      const send = (at: number) => (at >= bytes.byteLength ? response.end() : (response.write(bytes.subarray(at, at + step)), setTimeout(() => send(at + step), 30)));
      send(0);
      return true;
    },
    'evil/endless': (name, request, response) => {
      if (name !== 'model.safetensors' || request.method === 'HEAD') return false;
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const piece = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        while (response.write(piece));
      };
      response.on('drain', pump);
      response.on('close', () => response.off('drain', pump));
      pump();
      return true;
    },
    'evil/trickle': (name, request, response) => {
      if (name !== 'model.safetensors' || request.method === 'HEAD') return false;
      response.writeHead(200, { 'content-length': weights.byteLength, 'content-type': 'application/octet-stream' });
      response.write(weights.subarray(0, 1));
      return true; // and nothing more, ever
    },
    'evil/silent': () => true, // never answers anything
  });
});

afterAll(() => {
  hub.server.closeAllConnections();
  hub.server.close();
  outers.forEach((o) => rmSync(o, { recursive: true, force: true }));
  rmSync(join(tmpdir(), 'c2llm-absolute-escape.safetensors'), { force: true });
});

describe('a hostile Hub never writes outside the cache, never hangs, never lies', () => {
  test.each(['dotdot', 'absolute', 'query', 'fragment'])('a shard name with %s is refused before any shard is asked for', async (kind) => {
    const { outer, root } = sandbox();
    const failure = await hubSnapshot({ model: `evil/${kind}`, host: hub.host, root, baseDelayMs: 1 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CheckpointError);
    expect((failure as Error).message).toMatch(/model\.safetensors\.index\.json: shard name .* in "weight_map" must be a plain file name/);
    expect(readdirSync(outer)).toEqual(['cache']);
    expect(existsSync(join(tmpdir(), 'c2llm-absolute-escape.safetensors'))).toBe(false);
    const snapshot = join(root, `models--evil--${kind}`, 'snapshots', 'main');
    expect(readdirSync(snapshot).filter((f) => f.endsWith('.safetensors'))).toEqual([]);
  });

  test('a commit header that is a path is refused, and nothing is written', async () => {
    const { outer, root } = sandbox();
    await expect(hubSnapshot({ model: 'evil/commit', host: hub.host, root, baseDelayMs: 1 })).rejects.toThrow(/names commit "\.\.\/\.\.\/\.\.\/escaped-snapshot", which is not a commit hash/);
    expect(readdirSync(outer)).toEqual(['cache']);
    expect(readdirSync(root)).toEqual([]);
  });

  test('the SHA-256 stated on a redirect is kept: changed bytes behind it are refused; right ones land under the commit', async () => {
    const { root } = sandbox();
    await expect(hubSnapshot({ model: 'evil/redirect', host: hub.host, root, baseDelayMs: 1 })).rejects.toThrow(/do not match the SHA-256 the Hub states/);
    expect(existsSync(join(root, 'models--evil--redirect', 'snapshots', COMMIT, 'model.safetensors'))).toBe(false);
    const dir = await hubSnapshot({ model: 'good/redirect', host: hub.host, root, baseDelayMs: 1 });
    expect(readFileSync(join(dir, 'model.safetensors')).equals(weights)).toBe(true);
  });

  test('a body longer than announced stops at the announced size and is removed', async () => {
    const { root } = sandbox();
    const failure = await hubSnapshot({ model: 'evil/endless', host: hub.host, root, baseDelayMs: 1 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DownloadError);
    expect((failure as Error).message).toMatch(/sent more than the \d+ bytes it announced/);
    const snapshot = join(root, 'models--evil--endless', 'snapshots', 'main');
    expect(readdirSync(snapshot).filter((f) => f.startsWith('model.safetensors'))).toEqual([]);
  });

  test('a server that stalls mid-body, or never answers, is given up on after the timeout with one line', async () => {
    const { root } = sandbox();
    const started = performance.now();
    await expect(hubSnapshot({ model: 'evil/trickle', host: hub.host, root, baseDelayMs: 1, retries: 1, timeoutMs: 300 })).rejects.toThrow(/download stopped at 1 of \d+ bytes \(nothing arrived for 0\.3 s\); run again to resume/);
    await expect(hubSnapshot({ model: 'evil/silent', host: hub.host, root, baseDelayMs: 1, retries: 1, timeoutMs: 300 })).rejects.toThrow(/no answer within 0\.3 s \(after 2 attempts\)/);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  test('three downloads of one repo into one cache at once all succeed with whole files', async () => {
    const { root } = sandbox();
    const dirs = await Promise.all([0, 1, 2].map(() => hubSnapshot({ model: 'good/redirect', host: hub.host, root, baseDelayMs: 1 })));
    for (const dir of dirs) {
      for (const name of ['config.json', 'tokenizer.json', 'model.safetensors']) expect(readFileSync(join(dir, name)).equals(file(name)), name).toBe(true);
      expect(readdirSync(dir).filter((f) => f.endsWith('.incomplete') || f.endsWith('.lock'))).toEqual([]);
    }
  });

  test('three processes downloading one repo into one cache at once all succeed, with whole files', async () => {
    const { outer, root } = sandbox();
    const input = join(outer, 'texts.json');
    writeFileSync(input, JSON.stringify(['def f(): pass']));
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['bin/c2llm.js', 'embed', '--model', 'slow/shared', '--host', hub.host, '--input', input, '--device', 'reference'], { env: { ...process.env, HF_HUB_CACHE: root } });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.stdout.resume();
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const runs = await Promise.all([run(), run(), run()]);
    for (const { code, stderr } of runs) expect(code, stderr).toBe(0);
    const dir = join(root, 'models--slow--shared', 'snapshots', 'main');
    for (const name of ['config.json', 'tokenizer.json', 'model.safetensors']) expect(readFileSync(join(dir, name)).equals(file(name)), name).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.incomplete') || f.endsWith('.lock'))).toEqual([]);
  });
});
