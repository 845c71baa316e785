/**
 * Downloads one file as bytes, streamed so that progress can be reported as it arrives, retried with
 * exponential backoff on network errors, 5xx/429 answers and answers that stall (nothing for 30 s:
 * retry.ts's IdleTimer), and checked against Content-Length.
 */
import { DownloadError } from '../errors';
import { answerProblem, IdleTimer, sleep, STALL_TIMEOUT_MS } from '../retry';

export interface FileProgress {
  readonly file: string;
  readonly loaded: number;
  /** From Content-Length; undefined when the server does not say. */
  readonly total: number | undefined;
}

export interface FetchFileOptions {
  readonly fetch?: typeof fetch;
  readonly retries?: number;
  /** Backoff before retry n is baseDelayMs * 2^n. */
  readonly baseDelayMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FileProgress) => void;
  /** How long to wait for the answer's headers, and then for each piece of its body (default STALL_TIMEOUT_MS). */
  readonly timeoutMs?: number;
}

/** The body of `response`, read as it arrives (`onProgress` after each piece); shorter than its Content-Length is a DownloadError. */
async function readBody(response: Response, file: string, onProgress?: (p: FileProgress) => void): Promise<Uint8Array> {
  const header = response.headers.get('content-length');
  const total = header !== null && response.headers.get('content-encoding') === null ? Number(header) : undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let target = total !== undefined ? new Uint8Array(total) : undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (target && loaded + value.byteLength <= target.byteLength) target.set(value, loaded);
    else {
      target = undefined;
      chunks.push(value);
    }
    loaded += value.byteLength;
    onProgress?.({ file, loaded, total });
  }
  if (total !== undefined && loaded !== total) throw new DownloadError(`${file}: download ended after ${loaded} of ${total} bytes`);
  if (target) return target;
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * `url`'s body in one attempt, given up on where nothing arrives for a while (the answer, then
 * each piece of its body). An answer `refused` finds a problem with (an HTTP error, an HTML page where
 * a file was asked for), a network error, a stall and a short body fail with `error(why)`: the caller's
 * typed error, naming what was fetched.
 */
export async function fetchOnce(
  url: string,
  options: {
    readonly fetch?: typeof fetch;
    readonly refused: (response: Response) => string | undefined;
    readonly error: (why: string, cause?: unknown) => Error;
    /** How long to wait for the answer, and then for each piece of its body (default STALL_TIMEOUT_MS). */
    readonly timeoutMs?: number;
  },
): Promise<Uint8Array> {
  const timer = new IdleTimer(options.timeoutMs ?? STALL_TIMEOUT_MS);
  const failed = (cause: unknown): never => {
    throw options.error(timer.expired ? `stalled: ${timer.reason.message}` : `cannot be fetched (${(cause as Error).message})`, cause);
  };
  try {
    const response = await (options.fetch ?? fetch)(url, { signal: timer.signal }).catch(failed);
    const problem = options.refused(response);
    if (problem !== undefined) throw options.error(problem);
    return await readBody(response, url, () => timer.touch()).catch(failed);
  } finally {
    timer.stop();
  }
}

export async function fetchFile(url: string, file: string, options: FetchFileOptions = {}): Promise<Uint8Array> {
  const fetchImpl = options.fetch ?? fetch;
  const retries = options.retries ?? 3;
  const baseDelay = options.baseDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? STALL_TIMEOUT_MS;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(baseDelay * 2 ** (attempt - 1), options.signal);
    const timer = new IdleTimer(timeoutMs, options.signal);
    try {
      let response: Response;
      try {
        response = await fetchImpl(url, { signal: timer.signal });
      } catch (cause) {
        if (options.signal?.aborted) throw cause;
        lastError = new DownloadError(`${url}: ${timer.expired ? `no answer within ${timeoutMs / 1000} s` : `network error (${(cause as Error).message})`}`, { cause });
        continue;
      }
      const problem = answerProblem(url, response);
      if (problem) {
        lastError = problem;
        continue;
      }
      try {
        return await readBody(response, file, (progress) => {
          timer.touch();
          options.onProgress?.(progress);
        });
      } catch (cause) {
        if (options.signal?.aborted) throw cause;
        const why = timer.expired ? timer.reason.message : (cause as Error).message;
        lastError = cause instanceof DownloadError ? cause : new DownloadError(`${url}: download interrupted (${why})`, { cause });
      }
    } finally {
      timer.stop();
    }
  }
  throw new DownloadError(`${lastError?.message ?? url} (after ${retries + 1} attempts)`, { cause: lastError });
}
