/**
 * Runs jobs one at a time in the order they were submitted, so concurrent callers never share the
 * engine mid-job. A job whose AbortSignal fired before its turn is rejected without running; a running
 * job checks its signal between its own steps (see `throwIfAborted`).
 */
import { AbortError } from '../errors';

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(typeof signal.reason === 'string' ? signal.reason : 'the operation was aborted');
}

export class JobQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Jobs queued or running. */
  get size(): number {
    return this.waiting;
  }

  run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.waiting++;
    const result = this.tail.then(() => {
      throwIfAborted(signal);
      return job();
    });
    const settled = result.finally(() => this.waiting--);
    this.tail = settled.catch(() => undefined);
    return settled;
  }
}
