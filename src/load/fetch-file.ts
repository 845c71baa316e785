/**
 * Downloads one file as bytes, streamed so that progress can be reported as it arrives, retried with
 * exponential backoff on network errors and 5xx/429 answers, and checked against Content-Length.
 */
import { DownloadError } from '../errors';
import { answerProblem, sleep } from '../retry';

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
}

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

export async function fetchFile(url: string, file: string, options: FetchFileOptions = {}): Promise<Uint8Array> {
  const fetchImpl = options.fetch ?? fetch;
  const retries = options.retries ?? 3;
  const baseDelay = options.baseDelayMs ?? 500;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(baseDelay * 2 ** (attempt - 1), options.signal);
    let response: Response;
    try {
      response = await fetchImpl(url, { signal: options.signal });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      lastError = new DownloadError(`${url}: network error (${(cause as Error).message})`, { cause });
      continue;
    }
    const problem = answerProblem(url, response);
    if (problem) {
      lastError = problem;
      continue;
    }
    try {
      return await readBody(response, file, options.onProgress);
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      lastError = cause instanceof DownloadError ? cause : new DownloadError(`${url}: download interrupted (${(cause as Error).message})`, { cause });
    }
  }
  throw new DownloadError(`${lastError?.message ?? url} (after ${retries + 1} attempts)`, { cause: lastError });
}
