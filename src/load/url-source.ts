/** A checkpoint served over HTTP: `${base}/${file}` (a Hub-layout folder on any static server); an answer that stalls for STALL_TIMEOUT_MS fails. */
import { CheckpointError } from '../errors';
import type { CheckpointSource } from '../model/source';
import { answerWithin } from '../retry';
import { fetchOnce } from './fetch-file';

export function urlSource(base: string, fetchImpl: typeof fetch = fetch): CheckpointSource {
  const root = base.endsWith('/') ? base : `${base}/`;
  const url = (file: string) => new URL(file, new URL(root, globalThis.location?.href)).href;
  return {
    label: base,
    async has(file) {
      const response = await fetchImpl(url(file), { method: 'HEAD', signal: answerWithin() }).catch(() => undefined);
      return Boolean(response?.ok);
    },
    readBytes: (file) =>
      fetchOnce(url(file), {
        fetch: fetchImpl,
        refused: (response) => (response.ok ? undefined : response.status === 404 ? 'file not found (HTTP 404)' : `download failed (HTTP ${response.status})`),
        error: (why, cause) => new CheckpointError(url(file), why, { cause }),
      }),
  };
}
