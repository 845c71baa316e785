/**
 * What retrying a download needs, in one place for the browser's fetch (load/fetch-file.ts) and Node's
 * Hub downloads (node/hub-download.ts): which HTTP answers are worth another try, and a wait that an
 * AbortSignal cuts short.
 */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
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
