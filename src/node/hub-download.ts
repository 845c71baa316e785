/**
 * A Hugging Face Hub model on the local disk, for the CLI and the Node library: the checkpoint's files
 * downloaded once into the Hub's own cache layout and read from there afterwards, offline if need be.
 *
 *   <root>/models--<owner>--<name>/snapshots/<commit or revision>/<file>
 *   <root>/models--<owner>--<name>/refs/<revision>      the commit the revision pointed to
 *
 * root: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub (what huggingface_hub uses,
 * so a model downloaded by either is found by both). Each file goes to `<file>.incomplete` beside its
 * place, streamed to disk, and is renamed only when whole and checked: its length against the server's,
 * and its SHA-256 where the Hub states one (X-Linked-Etag, as it does for LFS files). An interrupted
 * download resumes where it stopped with an HTTP Range request; network errors and 5xx answers are
 * retried with backoff. The sizes of all files are asked first (HEAD), so progress has its total
 * before the first byte.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DownloadError, ModelNotFoundError } from '../errors';
import type { DownloadProgress } from '../progress';
import { answerProblem, sleep } from '../retry';
import { INDEX_FILE, SINGLE_FILE } from '../model/shard-reader';
import { writeAll } from './atomic-write';
import { checkpointFiles, fileSha256, REQUIRED_FILES } from './checkpoint-files';

export interface HubDownloadOptions {
  /** A repo id, "owner/name". */
  readonly model: string;
  /** The Hub's address (load/hub-source.ts's DEFAULT_HUB, or a mirror). */
  readonly host: string;
  readonly revision?: string;
  /** The cache root (default: hubCacheRoot()). */
  readonly root?: string;
  /** Use only what the cache holds; never touch the network. */
  readonly offline?: boolean;
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
  readonly retries?: number;
  /** Backoff before retry n is baseDelayMs * 2^n. */
  readonly baseDelayMs?: number;
}

export function hubCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  return join(env.HF_HOME || join(homedir(), '.cache', 'huggingface'), 'hub');
}

function isRepoId(model: string): boolean {
  return /^[\w.-]+\/[\w.-]+$/.test(model);
}

/** Where a file of the repo is asked for, and what the server says of it before the download. */
interface Remote {
  readonly url: string;
  readonly size: number;
  /** SHA-256 (hex) when the server states it. */
  readonly sha256?: string;
}

/**
 * A model given as a folder or a Hub repo id, as a folder on disk: the folder itself, or the repo's
 * snapshot in the cache (hubSnapshot); undefined for anything else (a URL, or a path that is not there).
 */
export async function modelFolder(model: string, options: Omit<HubDownloadOptions, 'model'>): Promise<string | undefined> {
  if (existsSync(model)) return statSync(model).isDirectory() ? model : undefined;
  return isRepoId(model) ? hubSnapshot({ ...options, model }) : undefined;
}

/** The folder of the model's files in the cache, downloading what is missing; the folder's path. */
export async function hubSnapshot(options: HubDownloadOptions): Promise<string> {
  const { model, revision = 'main', signal } = options;
  if (!isRepoId(model)) throw new ModelNotFoundError(`"${model}" is neither a folder nor a Hugging Face repo id (owner/name)`);
  const repoDir = join(options.root ?? hubCacheRoot(), `models--${model.replace('/', '--')}`);
  const base = `${options.host.replace(/\/$/, '')}/${model}/resolve/${encodeURIComponent(revision)}/`;
  const retries = options.retries ?? 3;
  const baseDelay = options.baseDelayMs ?? 500;
  const refFile = join(repoDir, 'refs', revision);
  const knownSnapshot = existsSync(refFile) ? join(repoDir, 'snapshots', readFileSync(refFile, 'utf8').trim()) : join(repoDir, 'snapshots', revision);

  if (options.offline) {
    const missing = checkpointFiles(knownSnapshot).find((file) => !existsSync(join(knownSnapshot, file)));
    if (missing) throw new DownloadError(`offline, and ${missing} of ${model} (revision ${revision}) is not in the cache (${knownSnapshot})`);
    return knownSnapshot;
  }

  /** One request, retried on network errors and retryable answers; 404/401/403 and HTML pages are ModelNotFoundError. */
  const request = async (file: string, init: RequestInit): Promise<Response> => {
    let last: Error | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(baseDelay * 2 ** (attempt - 1), signal);
      let response: Response;
      try {
        response = await fetch(base + file, { ...init, signal });
      } catch (cause) {
        if (signal?.aborted) throw cause;
        last = new DownloadError(`${base + file}: network error (${(cause as Error).message})`, { cause });
        continue;
      }
      // 416: a Range past the end, which downloadFile answers by starting over.
      const problem = answerProblem(base + file, response, [416]);
      if (!problem) return response;
      last = problem;
    }
    throw new DownloadError(`${last?.message ?? base + file} (after ${retries + 1} attempts)`, { cause: last });
  };

  const describe = async (file: string): Promise<Remote & { commit?: string }> => {
    const response = await request(file, { method: 'HEAD' });
    const size = Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length'));
    if (!Number.isSafeInteger(size) || size < 0) throw new DownloadError(`${base + file}: the server does not say the file's size`);
    const etag = (response.headers.get('x-linked-etag') ?? '').replace(/"/g, '');
    return { url: base + file, size, sha256: /^[0-9a-f]{64}$/.test(etag) ? etag : undefined, commit: response.headers.get('x-repo-commit') ?? undefined };
  };

  const config = await describe('config.json');
  const snapshot = join(repoDir, 'snapshots', config.commit ?? revision);
  mkdirSync(snapshot, { recursive: true });
  if (config.commit) {
    mkdirSync(join(repoDir, 'refs'), { recursive: true });
    writeFileSync(refFile, config.commit);
  }
  const remotes = new Map<string, Remote>([['config.json', config]]);
  for (const file of REQUIRED_FILES.slice(1)) remotes.set(file, await describe(file));
  const quiet = () => undefined;
  let weights: string[];
  try {
    // A sharded checkpoint names its shards in its index: fetched (small) before any progress, so that
    // every size is known before the first reported byte.
    remotes.set(INDEX_FILE, await describe(INDEX_FILE));
    await downloadFile(INDEX_FILE, remotes.get(INDEX_FILE)!, join(snapshot, INDEX_FILE), quiet, request);
    weights = checkpointFiles(snapshot).filter((file) => !remotes.has(file));
  } catch (error) {
    if (!(error instanceof ModelNotFoundError)) throw error;
    weights = [SINGLE_FILE];
  }
  for (const file of weights) remotes.set(file, await describe(file));

  const done = new Map<string, number>();
  const report = (file: string, loaded: number, fromCache: boolean) => {
    done.set(file, loaded);
    const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
    const [overallLoaded, overallTotal] = [sum(done.values()), sum([...remotes.values()].map((r) => r.size))];
    options.onProgress?.({ phase: 'download', fraction: overallTotal ? overallLoaded / overallTotal : 0, file, loaded, total: remotes.get(file)!.size, overallLoaded, overallTotal, fromCache });
  };
  for (const file of remotes.keys()) {
    await downloadFile(file, remotes.get(file)!, join(snapshot, file), (loaded, fromCache) => report(file, loaded, fromCache), request);
  }
  return snapshot;
}

/**
 * One file into `target`: nothing to do when it is there with the right size; else resumed from
 * `<target>.incomplete` (Range), streamed to disk, checked (size, SHA-256 when known), renamed.
 */
async function downloadFile(file: string, remote: Remote, target: string, report: (loaded: number, fromCache: boolean) => void, request: (file: string, init: RequestInit) => Promise<Response>): Promise<void> {
  if (existsSync(target) && statSync(target).size === remote.size) {
    report(remote.size, true);
    return;
  }
  const partial = `${target}.incomplete`;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 3) throw new DownloadError(`${remote.url}: the download did not complete in ${attempt} attempts; run again to resume`);
    const have = existsSync(partial) ? statSync(partial).size : 0;
    if (have > remote.size) rmSync(partial);
    const resumeAt = have > remote.size ? 0 : have;
    const response = await request(file, { headers: resumeAt > 0 ? { range: `bytes=${resumeAt}-` } : {} });
    if (response.status === 416) {
      rmSync(partial, { force: true });
      continue;
    }
    const appending = response.status === 206;
    let loaded = appending ? resumeAt : 0;
    const handle = await open(partial, appending ? 'a' : 'w');
    let cut: Error | undefined;
    try {
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await writeAll(handle, value);
        loaded += value.byteLength;
        report(loaded, false);
      }
      await handle.sync();
    } catch (cause) {
      cut = cause as Error;
    } finally {
      await handle.close();
    }
    if (loaded < remote.size) {
      if (attempt >= 3) throw new DownloadError(`${remote.url}: download stopped at ${loaded} of ${remote.size} bytes${cut ? ` (${cut.message})` : ''}; run again to resume`);
      continue;
    }
    if (loaded !== remote.size) {
      rmSync(partial, { force: true });
      throw new DownloadError(`${remote.url}: got ${loaded} bytes, the server said ${remote.size}`);
    }
    if (remote.sha256 && (await fileSha256(partial)) !== remote.sha256) {
      rmSync(partial, { force: true });
      throw new DownloadError(`${remote.url}: the downloaded bytes do not match the SHA-256 the Hub states (${remote.sha256.slice(0, 12)}…); removed`);
    }
    renameSync(partial, target);
    return;
  }
}
