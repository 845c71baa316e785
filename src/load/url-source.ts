/** A checkpoint served over HTTP: `${base}/${file}` (a Hub-layout folder on any static server). */
import { CheckpointError } from '../errors';
import type { CheckpointSource } from '../model/source';

export function urlSource(base: string, fetchImpl: typeof fetch = fetch): CheckpointSource {
  const root = base.endsWith('/') ? base : `${base}/`;
  const url = (file: string) => new URL(file, new URL(root, globalThis.location?.href)).href;
  return {
    label: base,
    async has(file) {
      const response = await fetchImpl(url(file), { method: 'HEAD' }).catch(() => undefined);
      return Boolean(response?.ok);
    },
    async readBytes(file) {
      let response: Response;
      try {
        response = await fetchImpl(url(file));
      } catch (cause) {
        throw new CheckpointError(url(file), `download failed (${(cause as Error).message})`, { cause });
      }
      if (!response.ok) throw new CheckpointError(url(file), response.status === 404 ? 'file not found (HTTP 404)' : `download failed (HTTP ${response.status})`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
