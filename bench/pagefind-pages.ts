/**
 * An index's files as a docs site would render them for Pagefind (bench/site-load.ts,
 * bench/pagefind-quality.ts): one HTML page per file at <path>.html, its title the path, its body
 * (data-pagefind-body) the path and the file's chunk texts in order.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexData } from '../src/search/index-file';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One HTML page per file of the index (its chunks' texts in order), as a docs site would render source. */
export function writePages(data: IndexData, dir: string): void {
  const texts = new Map<number, string[]>();
  data.chunks.forEach((c, i) => texts.set(c.file, [...(texts.get(c.file) ?? []), data.texts?.[i] ?? '']));
  data.files.forEach((f, i) => {
    const file = join(dir, `${f.path}.html`);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `<!doctype html><html><head><title>${escapeHtml(f.path)}</title></head><body><main data-pagefind-body><h1>${escapeHtml(f.path)}</h1><pre>${escapeHtml((texts.get(i) ?? []).join('\n'))}</pre></main></body></html>\n`);
  });
}

