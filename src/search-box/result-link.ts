/** Where a search box's result links: its `link` template filled in for the result. */
import type { CodeSearchResult } from '../worker/text-embedder';

/** A result's link from the template ({path} with each part URL-encoded, {start}, {end}, {anchor} URL-encoded). */
export function resultLink(template: string, r: Pick<CodeSearchResult, 'path' | 'startLine' | 'endLine' | 'anchor'>): string {
  const path = r.path.split('/').map(encodeURIComponent).join('/');
  return template
    .replaceAll('{path}', path)
    .replaceAll('{start}', String(r.startLine))
    .replaceAll('{end}', String(r.endLine))
    .replaceAll('{anchor}', encodeURIComponent(r.anchor ?? ''));
}
