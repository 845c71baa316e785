/**
 * A Hugging Face Hub model on the local disk, for the CLI and the Node library: the checkpoint's files
 * downloaded once into the Hub's own cache layout and read from there afterwards, offline if need be.
 * What a server says is not trusted: a commit it names must be a commit hash, a shard the index names
 * a plain file name (both checked before anything is written), a file never grows past the size the
 * server announced, every wait has a timeout (the answer's headers, then each piece of the body), and
 * a file's download is locked (`<file>.lock`), so that processes sharing one cache take turns.
 *
 *   <root>/models--<owner>--<name>/snapshots/<commit or revision>/<file>
 *   <root>/models--<owner>--<name>/refs/<revision>      the commit the revision pointed to
 *
 * root: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub (what huggingface_hub uses,
 * so a model downloaded by either is found by both). Each file goes to `<file>.incomplete` beside its
 * place, streamed to disk, and is renamed only when whole and checked: its length against the server's,
 * and its SHA-256 where the Hub states one (X-Linked-Etag, as it does for LFS files). An interrupted
 * download resumes where it stopped with an HTTP Range request; network errors and 5xx answers are
 * retried with backoff. The sizes of all files are asked first (HEAD, redirects not followed, so that
 * the size and SHA-256 the Hub puts on a redirect to an LFS file are kept), so progress has its total
 * before the first byte.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DownloadError, ModelNotFoundError } from '../errors';
import type { DownloadProgress } from '../progress';
import { answerProblem, IdleTimer, sleep, STALL_TIMEOUT_MS } from '../retry';
import { INDEX_FILE, SINGLE_FILE } from '../model/shard-reader';
import { writeAll } from './atomic-write';
import { checkpointFiles, fileSha256, REQUIRED_FILES } from './checkpoint-files';
import { withFileLock } from './file-lock';

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
  /** How long to wait for an answer's headers, and then for each piece of its body (default 30 s). */
  readonly timeoutMs?: number;
}

const COMMIT = /^[0-9a-f]{40}$/;

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
  if (revision.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new DownloadError(`--revision "${revision}" is not a branch, tag or commit name`);
  const timeoutMs = options.timeoutMs ?? STALL_TIMEOUT_MS;
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
  const request = async (file: string, init: RequestInit, url = base + file): Promise<TimedResponse> => {
    let last: Error | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(baseDelay * 2 ** (attempt - 1), signal);
      const timer = new IdleTimer(timeoutMs, signal);
      let response: Response;
      try {
        response = await fetch(url, { ...init, signal: timer.signal });
      } catch (cause) {
        timer.stop();
        if (signal?.aborted) throw cause;
        last = new DownloadError(`${url}: ${timer.expired ? `no answer within ${timeoutMs / 1000} s` : `network error (${(cause as Error).message})`}`, { cause });
        continue;
      }
      // 416: a Range past the end, which downloadFile answers by starting over; 3xx: a redirect HEAD keeps.
      const problem = answerProblem(url, response, [416, 301, 302, 303, 307, 308]);
      if (!problem) return Object.assign(response, { timer });
      timer.stop();
      last = problem;
    }
    throw new DownloadError(`${last?.message ?? base + file} (after ${retries + 1} attempts)`, { cause: last });
  };

  /** The file's size, SHA-256 and commit, from its HEAD answer or, for a redirect, from the redirect and then its target. */
  const describe = async (file: string): Promise<Remote & { commit?: string }> => {
    const answers = [await request(file, { method: 'HEAD', redirect: 'manual' })];
    for (let hops = 0; answers[0].status >= 300 && answers[0].status < 400; hops++) {
      const location = answers[0].headers.get('location');
      answers[0].timer.stop();
      if (!location || hops >= 5) throw new DownloadError(`${base + file}: HTTP ${answers[0].status} ${location ? 'redirects more than 5 times' : 'without a Location'}`);
      answers.unshift(await request(file, { method: 'HEAD', redirect: 'manual' }, new URL(location, base + file).href));
    }
    answers[0].timer.stop();
    const header = (name: string) => answers.map((a) => a.headers.get(name)).find((v) => v !== null) ?? undefined;
    const size = Number(header('x-linked-size') ?? answers[0].headers.get('content-length'));
    if (!Number.isSafeInteger(size) || size < 0) throw new DownloadError(`${base + file}: the server does not say the file's size`);
    const etag = (header('x-linked-etag') ?? '').replace(/"/g, '');
    return { url: base + file, size, sha256: /^[0-9a-f]{64}$/.test(etag) ? etag : undefined, commit: header('x-repo-commit') };
  };

  const config = await describe('config.json');
  if (config.commit !== undefined && !COMMIT.test(config.commit)) throw new DownloadError(`${config.url}: the server names commit ${JSON.stringify(config.commit.slice(0, 80))}, which is not a commit hash; nothing was written`);
  const snapshot = join(repoDir, 'snapshots', config.commit ?? revision);
  mkdirSync(snapshot, { recursive: true });
  if (config.commit) {
    mkdirSync(dirname(refFile), { recursive: true });
    writeFileSync(`${refFile}.${process.pid}.tmp`, config.commit);
    renameSync(`${refFile}.${process.pid}.tmp`, refFile);
  }
  const remotes = new Map<string, Remote>([['config.json', config]]);
  for (const file of REQUIRED_FILES.slice(1)) remotes.set(file, await describe(file));
  const quiet = () => undefined;
  let weights: string[];
  try {
    // A sharded checkpoint names its shards in its index: fetched (small) before any progress, so that
    // every size is known before the first reported byte.
    remotes.set(INDEX_FILE, await describe(INDEX_FILE));
    await downloadFile(INDEX_FILE, remotes.get(INDEX_FILE)!, join(snapshot, INDEX_FILE), quiet, request, signal);
    // Every shard name is checked (a plain file name) before any shard is asked for.
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
    await downloadFile(file, remotes.get(file)!, join(snapshot, file), (loaded, fromCache) => report(file, loaded, fromCache), request, signal);
  }
  return snapshot;
}

/** A fetch answer with the timer that bounds the wait for each piece of it. */
type TimedResponse = Response & { readonly timer: IdleTimer };
type Request = (file: string, init: RequestInit) => Promise<TimedResponse>;

/**
 * One file into `target`, under its lock: nothing to do when it is there with the right size; else
 * resumed from `<target>.incomplete` (Range), streamed to disk, checked (size, SHA-256 when known),
 * renamed.
 */
async function downloadFile(file: string, remote: Remote, target: string, report: (loaded: number, fromCache: boolean) => void, request: Request, signal?: AbortSignal): Promise<void> {
  return withFileLock(target, async () => {
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
        response.timer.stop();
        rmSync(partial, { force: true });
        continue;
      }
      const appending = response.status === 206;
      let loaded = appending ? resumeAt : 0;
      const handle = await open(partial, appending ? 'a' : 'w');
      let cut: Error | undefined;
      let refused: DownloadError | undefined;
      try {
        const reader = response.body!.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          response.timer.touch();
          if (loaded + value.byteLength > remote.size) {
            await reader.cancel();
            throw new DownloadError(`${remote.url}: the server sent more than the ${remote.size} bytes it announced; removed`);
          }
          await writeAll(handle, value);
          loaded += value.byteLength;
          report(loaded, false);
        }
        await handle.sync();
      } catch (cause) {
        if (response.timer.expired) cut = response.timer.reason;
        else if (cause instanceof DownloadError) refused = cause;
        else cut = cause as Error;
      } finally {
        response.timer.stop();
        await handle.close();
      }
      if (refused) {
        rmSync(partial, { force: true });
        throw refused;
      }
      if (loaded < remote.size) {
        if (attempt >= 3) throw new DownloadError(`${remote.url}: download stopped at ${loaded} of ${remote.size} bytes${cut ? ` (${cut.message})` : ''}; run again to resume`);
        continue;
      }
      if (remote.sha256 && (await fileSha256(partial)) !== remote.sha256) {
        rmSync(partial, { force: true });
        throw new DownloadError(`${remote.url}: the downloaded bytes do not match the SHA-256 the Hub states (${remote.sha256.slice(0, 12)}…); removed`);
      }
      renameSync(partial, target);
      return;
    }
  }, signal);
}
