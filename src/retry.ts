/**
 * Downloading a file, in one place for the browser's fetch (load/fetch-file.ts, and the engine's index
 * files) and Node's Hub downloads (node/hub-download.ts): what an HTTP answer means (`answerProblem`), a
 * wait between attempts that an AbortSignal cuts short, and a timer that gives up on an answer that
 * stalls (`IdleTimer`).
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

/** How long a download waits for an answer's headers, and then for each piece of its body, before giving up. */
export const STALL_TIMEOUT_MS = 30_000;

/** `signal` (the caller's, if any) that also fires when a request's whole answer (a HEAD's) has not come within STALL_TIMEOUT_MS. */
export function answerWithin(signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(STALL_TIMEOUT_MS);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/**
 * Aborts a request when nothing arrives for `ms`: started before the request, pushed back by `touch()`
 * on every piece of the body, stopped when the answer is read. `signal` also follows the caller's.
 */
export class IdleTimer {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout>;
  readonly signal: AbortSignal;
  expired = false;

  constructor(
    private readonly ms: number,
    outer?: AbortSignal,
  ) {
    this.timer = this.arm();
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
  }

  /** Why it expired: "nothing arrived for … s". */
  get reason(): Error {
    return this.controller.signal.reason as Error;
  }

  private arm(): ReturnType<typeof setTimeout> {
    return setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error(`nothing arrived for ${this.ms / 1000} s`));
    }, this.ms);
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
