/** A checkpoint served over HTTP: `${base}/${file}` (a Hub-layout folder on any static server); an answer that stalls for STALL_TIMEOUT_MS fails. */
import { CheckpointError } from '../errors';
import type { CheckpointSource } from '../model/source';
import { answerWithin, IdleTimer, STALL_TIMEOUT_MS } from '../retry';
import { readBody } from './fetch-file';

export function urlSource(base: string, fetchImpl: typeof fetch = fetch): CheckpointSource {
  const root = base.endsWith('/') ? base : `${base}/`;
  const url = (file: string) => new URL(file, new URL(root, globalThis.location?.href)).href;
  return {
    label: base,
    async has(file) {
      const response = await fetchImpl(url(file), { method: 'HEAD', signal: answerWithin() }).catch(() => undefined);
      return Boolean(response?.ok);
    },
    async readBytes(file) {
      const timer = new IdleTimer(STALL_TIMEOUT_MS);
      const failed = (cause: unknown): never => {
        throw new CheckpointError(url(file), `download failed (${timer.expired ? timer.reason.message : (cause as Error).message})`, { cause });
      };
      try {
        const response = await fetchImpl(url(file), { signal: timer.signal }).catch(failed);
        if (!response.ok) throw new CheckpointError(url(file), response.status === 404 ? 'file not found (HTTP 404)' : `download failed (HTTP ${response.status})`);
        return await readBody(response, file, () => timer.touch()).catch(failed);
      } finally {
        timer.stop();
      }
    },
  };
}
