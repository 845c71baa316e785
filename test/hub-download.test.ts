/**
 * Hub models on the local disk (node/hub-download.ts) and the CLI's `--model <repo id>`, against the
 * project's local Hub stand-in (e2e/hub-server.mjs): the files land in the Hub cache layout equal to
 * the originals, a second run reads the cache without a request, an interrupted download resumes with
 * a Range request, a wrong SHA-256 leaves nothing, and --offline uses the cache alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DownloadError, ModelNotFoundError } from '../src/errors';
import { hubCacheRoot, hubSnapshot } from '../src/node/hub-download';
import type { DownloadProgress } from '../src/progress';
import { checkpointDir } from './helpers/fixtures';
import { startHub } from './helpers/hub';

const HOST = 'http://127.0.0.1:5311';
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];
let hub: { stop(): void };
const roots: string[] = [];

function emptyRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'c2llm-hub-cache-'));
  roots.push(root);
  return root;
}

async function gets(): Promise<Record<string, number>> {
  return (await fetch(`${HOST}/__stats`)).json() as Promise<Record<string, number>>;
}

beforeAll(async () => {
  const build = spawnSync('npm', ['run', 'build:cli'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build:cli failed: ${build.stderr}`);
  hub = await startHub(5311);
});

afterAll(() => {
  hub.stop();
  roots.forEach((root) => rmSync(root, { recursive: true, force: true }));
});

describe('Hub models on disk', () => {
  test('downloaded into the Hub cache layout, equal to the originals, progress totals known from the first event; a second run makes no request', async () => {
    const root = emptyRoot();
    const events: DownloadProgress[] = [];
    const dir = await hubSnapshot({ model: 'test-org/tiny', host: HOST, root, onProgress: (p) => events.push(p) });
    expect(dir).toBe(join(root, 'models--test-org--tiny', 'snapshots', 'main'));
    for (const file of FILES) expect(readFileSync(join(dir, file)).equals(readFileSync(join(checkpointDir('tiny-f32-gqa1'), file))), file).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.incomplete'))).toEqual([]);
    const total = FILES.reduce((sum, f) => sum + readFileSync(join(dir, f)).byteLength, 0);
    expect(events.every((e) => e.overallTotal >= events[0].overallTotal)).toBe(true);
    expect(events.at(-1)).toMatchObject({ overallLoaded: total, overallTotal: total });

    const before = await gets();
    const again: DownloadProgress[] = [];
    await hubSnapshot({ model: 'test-org/tiny', host: HOST, root, onProgress: (p) => again.push(p) });
    const after = await gets();
    for (const file of FILES) expect(after[`/test-org/tiny/resolve/main/${file}`], file).toBe(before[`/test-org/tiny/resolve/main/${file}`]);
    expect(again.every((e) => e.fromCache)).toBe(true);
  });

  test('a failing server is retried and an interrupted download resumes from where it stopped (Range)', async () => {
    const root = emptyRoot();
    const dir = await hubSnapshot({ model: 'test-org/flaky', host: HOST, root, baseDelayMs: 10 });
    expect(readFileSync(join(dir, 'model.safetensors')).equals(readFileSync(join(checkpointDir('tiny-f32-gqa1'), 'model.safetensors')))).toBe(true);
    // 503, then cut halfway, then the rest: three GETs of the weights.
    expect((await gets())['/test-org/flaky/resolve/main/model.safetensors']).toBe(3);
  });

  test('bytes that do not match the SHA-256 the Hub states are refused, and nothing is left under the final name', async () => {
    const root = emptyRoot();
    const failure = await hubSnapshot({ model: 'test-org/corrupt', host: HOST, root, baseDelayMs: 10 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DownloadError);
    expect((failure as Error).message).toMatch(/model\.safetensors: the downloaded bytes do not match the SHA-256/);
    const dir = join(root, 'models--test-org--corrupt', 'snapshots', 'main');
    expect(readdirSync(dir).filter((f) => f.startsWith('model.safetensors'))).toEqual([]);
  });

  test('offline: the cache alone; a model not in it is a DownloadError naming the file and the folder', async () => {
    const root = emptyRoot();
    await expect(hubSnapshot({ model: 'test-org/tiny', host: HOST, root, offline: true })).rejects.toThrow(/offline, and config\.json of test-org\/tiny \(revision main\) is not in the cache/);
    await expect(hubSnapshot({ model: 'test-org/tiny', host: 'http://127.0.0.1:1', root: emptyRoot(), retries: 0 })).rejects.toBeInstanceOf(DownloadError);
    await hubSnapshot({ model: 'test-org/tiny', host: HOST, root });
    expect(await hubSnapshot({ model: 'test-org/tiny', host: 'http://127.0.0.1:1', root, offline: true })).toBe(join(root, 'models--test-org--tiny', 'snapshots', 'main'));
  });

  test('a repo that does not exist is a ModelNotFoundError; the cache root follows HF_HUB_CACHE, then HF_HOME', async () => {
    await expect(hubSnapshot({ model: 'test-org/nothing', host: HOST, root: emptyRoot() })).rejects.toBeInstanceOf(ModelNotFoundError);
    expect(hubCacheRoot({ HF_HUB_CACHE: '/x/hub' })).toBe('/x/hub');
    expect(hubCacheRoot({ HF_HOME: '/x/hf' })).toBe('/x/hf/hub');
    expect(hubCacheRoot({})).toMatch(/\.cache\/huggingface\/hub$/);
  });

  test('the CLI: `c2llm embed --model <repo id> --host`, then the same with --offline and no server', () => {
    const root = emptyRoot();
    const input = join(root, 'texts.json');
    writeFileSync(input, JSON.stringify(['def f(): pass']));
    const env = { ...process.env, HF_HUB_CACHE: root };
    const first = spawnSync(process.execPath, ['bin/c2llm.js', 'embed', '--model', 'test-org/tiny', '--host', HOST, '--input', input, '--device', 'reference'], { encoding: 'utf8', env });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/test-org\/tiny is in .*models--test-org--tiny.* downloaded\)/);
    const offline = spawnSync(process.execPath, ['bin/c2llm.js', 'embed', '--model', 'test-org/tiny', '--offline', '--host', 'http://127.0.0.1:1', '--input', input, '--device', 'reference'], { encoding: 'utf8', env });
    expect(offline.status, offline.stderr).toBe(0);
    expect(offline.stderr).toMatch(/from the cache/);
    expect(JSON.parse(offline.stdout)).toEqual(JSON.parse(first.stdout));
    const missing = spawnSync(process.execPath, ['bin/c2llm.js', 'embed', '--model', 'test-org/other', '--offline', '--input', input], { encoding: 'utf8', env });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(root, 'models--test-org--other', 'snapshots', 'main', 'config.json'))).toBe(false);
  });
});
