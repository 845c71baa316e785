/** The worker boundary: typed errors through Comlink, the job queue, cancellation, prompts. */
import * as Comlink from 'comlink';
import { describe, expect, test } from 'vitest';
import * as errors from '../src/errors';
import { AbortError, CheckpointError, DownloadError, GpuDeviceLostError, InputError } from '../src/errors';
import { applyPrompt, DOCUMENT_PREFIX, TASK_INSTRUCTIONS } from '../src/text/prompts';
import { deserializeError, installErrorTransfer, serializeError } from '../src/worker/error-transfer';
import { JobQueue } from '../src/worker/job-queue';

describe('errors across Comlink', () => {
  test('keep class, name, message, fields and cause', async () => {
    installErrorTransfer();
    const { port1, port2 } = new MessageChannel();
    const api = {
      checkpoint(): void {
        throw new CheckpointError('model.safetensors', 'tensor "x" is missing', { cause: new DownloadError('HTTP 500') });
      },
      lost(): void {
        throw new GpuDeviceLostError('the GPU device was lost: reset');
      },
      async input(): Promise<void> {
        throw new InputError('texts must be an array of strings');
      },
      plain(): void {
        throw 'a string';
      },
    };
    Comlink.expose(api, port1);
    const remote = Comlink.wrap<typeof api>(port2);
    const error = await remote.checkpoint().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({ name: 'CheckpointError', file: 'model.safetensors', message: 'model.safetensors: tensor "x" is missing' });
    expect((error as Error).cause).toBeInstanceOf(DownloadError);
    expect(((error as Error).cause as Error).message).toBe('HTTP 500');
    await expect(remote.lost()).rejects.toBeInstanceOf(GpuDeviceLostError);
    await expect(remote.input()).rejects.toBeInstanceOf(InputError);
    await expect(remote.plain()).rejects.toBe('a string');
    port1.close();
    port2.close();
  });

  const exported = Object.entries(errors).filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error && value !== errors.FileError) as [string, new (...a: string[]) => Error][];
  test.each(exported)('every exported error class survives the boundary with its class and name: %s', (name, ErrorClass) => {
    const original = new ErrorClass('file.bin', 'what went wrong');
    expect(original.name).toBe(name);
    const rebuilt = deserializeError(serializeError(original)) as Error;
    expect(rebuilt).toBeInstanceOf(ErrorClass);
    expect(rebuilt.name).toBe(name);
    expect(rebuilt.message).toBe(original.message);
  });
});

describe('JobQueue', () => {
  test('runs concurrent jobs one at a time, in order, each answered', async () => {
    const queue = new JobQueue();
    const log: string[] = [];
    const job = (name: string, ms: number) => () => new Promise<string>((resolve) => {
      log.push(`start ${name}`);
      setTimeout(() => {
        log.push(`end ${name}`);
        resolve(name);
      }, ms);
    });
    const results = await Promise.all([queue.run(job('a', 20)), queue.run(job('b', 1)), queue.run(job('c', 5))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(queue.size).toBe(0);
  });

  test('a failed job does not block the next', async () => {
    const queue = new JobQueue();
    const failed = queue.run(async () => {
      throw new InputError('bad');
    });
    await expect(failed).rejects.toThrow('bad');
    await expect(queue.run(async () => 42)).resolves.toBe(42);
  });

  test('a job aborted before its turn never runs', async () => {
    const queue = new JobQueue();
    const controller = new AbortController();
    let ran = false;
    const first = queue.run(() => new Promise((resolve) => setTimeout(resolve, 10)));
    const second = queue.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    await first;
    await expect(second).rejects.toBeInstanceOf(AbortError);
    expect(ran).toBe(false);
  });
});

describe('prompts', () => {
  test('query, document and raw', () => {
    expect(applyPrompt('sort a list', { kind: 'query' })).toBe(`${TASK_INSTRUCTIONS['code-search']}sort a list`);
    expect(applyPrompt('q', { kind: 'query', task: 'text-to-sql' })).toBe(`${TASK_INSTRUCTIONS['text-to-sql']}q`);
    expect(applyPrompt('q', { kind: 'query', instruction: 'Find:\n' })).toBe('Find:\nq');
    expect(applyPrompt('def f(): pass', { kind: 'document' })).toBe(`${DOCUMENT_PREFIX}def f(): pass`);
    expect(applyPrompt('raw')).toBe('raw');
    expect(() => applyPrompt('q', { kind: 'query', task: 'nope' as never })).toThrow(InputError);
  });
});
