/** Where a search box's result links: its `link` template filled in for the result. */
import type { CodeSearchResult } from '../worker/text-embedder';

/**
 * A result's link from the template ({path} with each part URL-encoded, {start}, {end}, {line}: the line
 * its excerpt starts from, else {start}; {anchor} URL-encoded).
 */
export function resultLink(template: string, r: Pick<CodeSearchResult, 'path' | 'startLine' | 'endLine' | 'anchor'>, line = r.startLine): string {
  const path = r.path.split('/').map(encodeURIComponent).join('/');
  return template
    .replaceAll('{path}', path)
    .replaceAll('{start}', String(r.startLine))
    .replaceAll('{end}', String(r.endLine))
    .replaceAll('{line}', String(line))
    .replaceAll('{anchor}', encodeURIComponent(r.anchor ?? ''));
}
