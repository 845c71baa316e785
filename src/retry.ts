/**
 * Downloading a model file, in one place for the browser's fetch (load/fetch-file.ts) and Node's Hub
 * downloads (node/hub-download.ts): what an HTTP answer means (`answerProblem`), and a wait between
 * attempts that an AbortSignal cuts short.
 */
import { DownloadError, ModelNotFoundError } from './errors';

function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * What is wrong with an answer for a model file at `url`: undefined when it is usable (a 2xx that is not
 * an HTML page, or one of the `usable` statuses); a DownloadError worth another attempt (5xx, 429, 408).
 * Thrown: a ModelNotFoundError for a file that is not there (401, 403, 404, or an HTML page in its
 * place: a single-page app's server answers a missing file with its index.html and status 200), and a
 * DownloadError for any other status.
 */
export function answerProblem(url: string, response: Response, usable: readonly number[] = []): DownloadError | undefined {
  if (response.status === 404 || response.status === 401 || response.status === 403) {
    throw new ModelNotFoundError(`${url}: HTTP ${response.status} (the model or file does not exist, or is private)`);
  }
  if (response.ok && (response.headers.get('content-type') ?? '').includes('text/html')) {
    throw new ModelNotFoundError(`${url}: the server answered with an HTML page, not the model file (a missing file behind an SPA fallback?)`);
  }
  if (response.ok || usable.includes(response.status)) return undefined;
  const problem = new DownloadError(`${url}: HTTP ${response.status}`);
  if (!retryableStatus(response.status)) throw problem;
  return problem;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
