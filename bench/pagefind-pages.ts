/**
 * Pagefind for the benchmarks that compare with it (bench/site-load.ts, bench/pagefind-quality.ts): an
 * index's files as a docs site would render them (one HTML page per file at <path>.html, its title the
 * path, its body (data-pagefind-body) the path and the file's chunk texts in order), and a page that
 * searches such a site through pagefind.js in a browser.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { IndexData } from '../src/search/index-file';

/** The search page: `pagefindSearch(site, query)` loads that site's pagefind.js once and gives its first ten results' URLs. */
export function writePagefindSearchPage(file: string): void {
  writeFileSync(file, `<!doctype html><html><body><script type="module">
const sites = new Map();
window.pagefindSearch = async (site, query) => {
  if (!sites.has(site)) sites.set(site, import(\`/\${site}/pagefind/pagefind.js\`).then(async (pagefind) => (await pagefind.options({ basePath: \`/\${site}/pagefind/\` }), pagefind)));
  const found = await (await sites.get(site)).search(query);
  return Promise.all(found.results.slice(0, 10).map(async (r) => (await r.data()).url));
};
document.body.dataset.ready = '1';
</script></body></html>
`);
}

/** A search on the open search page (writePagefindSearchPage's): the first ten results' URLs, best first. */
export async function pagefindSearch(page: Page, site: string, query: string): Promise<string[]> {
  await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 300_000 });
  return page.evaluate(([s, q]) => (window as unknown as { pagefindSearch(s: string, q: string): Promise<string[]> }).pagefindSearch(s, q), [site, query] as const);
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One HTML page per file of the index (its chunks' texts in order), as a docs site would render source. */
export function writePages(data: IndexData, dir: string): void {
  const texts = new Map<number, string[]>();
  data.chunks.forEach((c, i) => texts.set(c.file, [...(texts.get(c.file) ?? []), data.texts?.at(i) ?? '']));
  data.files.forEach((f, i) => {
    const file = join(dir, `${f.path}.html`);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `<!doctype html><html><head><title>${escapeHtml(f.path)}</title></head><body><main data-pagefind-body><h1>${escapeHtml(f.path)}</h1><pre>${escapeHtml((texts.get(i) ?? []).join('\n'))}</pre></main></body></html>\n`);
  });
}

