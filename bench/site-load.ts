/**
 * `npm run bench:site-load`: what a static site's visitor downloads before the first result, and how long
 * it takes, in headless Chromium with a cold cache (a new browser context each time) over a throttled
 * network, for the same content three ways. The throttle is the server's (throttled-server.ts: 10 Mbit/s
 * shared by all responses, 40 ms before each answer, text types gzipped as static hosts do), because
 * CDP's network emulation does not reach a page's workers, where the engine fetches the model and index.
 *   c2idx    the search box (the package's build, dist/lib/search-box.js, bundled by Vite as a site's
 *            build would) over one .c2idx;
 *   split    the same box over the split layout (`c2llm index --split`);
 *   pagefind Pagefind 1.6 (word search) over the same files rendered as HTML pages, one per file,
 *            searched through its JS API (pagefind.js: init, search, the first ten results' data), with
 *            the query and (pagefind-keywords) with three of its words, as it finds nothing for the whole.
 * Content: the NL validation codebases in one index (bench/validation-index.ts) replicated to 10k and
 * 100k chunks. The model served is C2LLM-nano's int8 layout; the indexes' vectors come from the bf16
 * model and are labelled with the int8 model's fingerprint so that the page accepts them (bytes and
 * times do not depend on it). The time runs from navigation to the first result on the page, the query
 * typed as soon as the box takes it; bytes are what the server sent until then. The box answers by the
 * index's words while the model loads, then ranks in full: for the box, the time and bytes to those
 * first results by words (`words`, where they came before the model) and to the full ranking (`seconds`, `bytes`).
 * Pagefind must be installed in .bench/pagefind (npm install pagefind@1.6.0 there). Writes
 * bench/results/site-load.json.
 *
 * Each layout is loaded --runs times (each a cold cache); a row is the run of median time, with every run's times beside it.
 *
 *   npm run bench:site-load -- [--sizes 10000,100000] [--layouts split,c2idx,pagefind,pagefind-keywords] [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { modelFingerprint } from '../src/node/model-fingerprint';
import { writeSplitIndex } from '../src/node/split-index-folder';
import { encodeIndex } from '../src/search/index-file';
import { throttledServer, type ThrottledServer } from './throttled-server';
import { pagefindSearch, writePages, writePagefindSearchPage } from './pagefind-pages';
import { replicated } from './replicate';
import { validationIndex } from './validation-index';

const LAYOUTS = ['split', 'c2idx', 'pagefind', 'pagefind-keywords'] as const;
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000' }, layouts: { type: 'string', default: LAYOUTS.join(',') }, runs: { type: 'string', default: '3' } } });
const WORK = resolve('.bench/site-load');
const PAGEFIND = resolve('.bench/pagefind/node_modules/.bin/pagefind');
const MODEL = 'models/c2llm-nano-int8';
const QUERY = 'return the closest flag name when the user mistypes an option';
/** Pagefind finds nothing for QUERY (every word must appear): its time to a first result is also measured with these words of it. */
const KEYWORDS = 'closest flag name';
const PORT = 4197;
const THROTTLE = { bitsPerSecond: 10e6, latencyMs: 40 };

/** The site: a page with the box (index chosen by ?index=), Pagefind's search page and the model (the indexes and HTML pages come later). */
function writeSite(root: string): void {
  mkdirSync(join(root, 'public', 'models'), { recursive: true });
  cpSync(MODEL, join(root, 'public', 'models', 'c2llm-nano-int8'), { recursive: true });
  writeFileSync(join(root, 'index.html'), `<!doctype html><html><body>
<script type="module">
import '${resolve('dist/lib/search-box.js')}';
const box = document.createElement('c2llm-search');
box.setAttribute('index', new URLSearchParams(location.search).get('index'));
box.setAttribute('model', 'models/c2llm-nano-int8/');
document.body.append(box);
</script></body></html>
`);
  writePagefindSearchPage(join(root, 'public', 'pagefind.html'));
}

interface Load {
  readonly bytes: number;
  readonly requests: number;
  readonly seconds: number;
  readonly byKind: Record<string, number>;
  readonly first: string;
  /** The search box's first results by words, while the model loaded: seconds and bytes until then, and the first path. */
  readonly words?: { readonly seconds: number; readonly bytes: number; readonly first: string };
}

/** A moment of a load: seconds since navigation and bytes sent until then. */
type Mark = () => { seconds: number; bytes: number };

/** Navigates (a fresh context: cold cache), runs `untilFirst`, and counts what the server sent until it returned. */
async function measure(server: ThrottledServer, page: Page, url: string, untilFirst: (mark: Mark) => Promise<Pick<Load, 'first' | 'words'>>): Promise<Load> {
  server.reset();
  const started = performance.now();
  const mark: Mark = () => ({ seconds: +((performance.now() - started) / 1000).toFixed(2), bytes: server.sent().bytes });
  await page.goto(url);
  const found = await untilFirst(mark);
  const { seconds } = mark();
  const { bytes, requests, byKind } = server.sent();
  return { bytes, requests, seconds, byKind, ...found };
}

const firstPath = async (page: Page) => (await page.locator('c2llm-search .c2s-path').first().textContent()) ?? '';

/** The query typed as soon as the box takes it; its first results, by words where they come before the model, then the full ranking. */
async function searchBox(page: Page, mark: Mark): Promise<Pick<Load, 'first' | 'words'>> {
  const box = page.getByRole('combobox', { name: 'Search the code' });
  const status = page.locator('c2llm-search [role=status]');
  await status.filter({ hasText: /pieces of code|unavailable/ }).waitFor({ timeout: 900_000 });
  await box.fill(QUERY);
  await page.locator('c2llm-search [role=option]').first().waitFor({ timeout: 300_000 });
  const byWords = /by their words/.test((await status.textContent()) ?? '') ? { ...mark(), first: await firstPath(page) } : undefined;
  await status.filter({ hasText: /^\d+ results?$/ }).waitFor({ timeout: 900_000 });
  return { first: await firstPath(page), words: byWords };
}

async function main(): Promise<void> {
  const sizes = values.sizes.split(',').map(Number);
  execFileSync('node', ['tools/build-lib.mjs'], { stdio: 'inherit' });
  rmSync(WORK, { recursive: true, force: true });
  const site = join(WORK, 'site');
  writeSite(site);
  const real = await validationIndex();
  const model = { id: MODEL, fingerprint: await modelFingerprint(MODEL) };
  for (const size of sizes) {
    const data = { ...replicated(real, size), model };
    writeFileSync(join(site, 'public', `code-${size}.c2idx`), encodeIndex(data));
    await writeSplitIndex(join(site, 'public', `code-${size}`), data);
    writePages(data, join(site, 'public', `pages-${size}`));
    execFileSync(PAGEFIND, ['--site', join(site, 'public', `pages-${size}`), '--silent'], { stdio: 'inherit' });
    console.error(`${size}: ${data.chunks.length} chunks, ${data.files.length} files`);
  }
  await build({ root: site, base: './', logLevel: 'warn', worker: { format: 'es' }, build: { target: 'es2022', outDir: join(site, 'dist'), emptyOutDir: true } });
  const server = await throttledServer(join(site, 'dist'), PORT, THROTTLE);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const rows = [];
  try {
    for (const size of sizes) {
      for (const layout of LAYOUTS.filter((name) => values.layouts.split(',').includes(name))) {
        const loads: Load[] = [];
        for (let run = 0; run < Number(values.runs); run++) {
          const page = await browser.newPage(); // its own context: an empty cache
          const base = `http://127.0.0.1:${PORT}`;
          loads.push(
            layout.startsWith('pagefind')
              ? await measure(server, page, `${base}/pagefind.html`, async () => ({ first: (await pagefindSearch(page, `pages-${size}`, layout === 'pagefind' ? QUERY : KEYWORDS))[0] ?? '(no result)' }))
              : await measure(server, page, `${base}/?index=${layout === 'split' ? `code-${size}/` : `code-${size}.c2idx`}`, (mark) => searchBox(page, mark)),
          );
          await page.close();
          console.error(JSON.stringify({ size, layout, run, ...loads.at(-1) }));
        }
        const median = [...loads].sort((a, b) => a.seconds - b.seconds)[Math.floor(loads.length / 2)];
        rows.push({ size, layout, ...median, mb: +(median.bytes / 1e6).toFixed(2), runs: loads.map((load) => ({ seconds: load.seconds, words: load.words?.seconds })) });
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/site-load.json', `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), query: QUERY, throttle: THROTTLE, rows }, null, 1)}\n`);
  console.log(JSON.stringify(rows, null, 1));
}

if (!existsSync(PAGEFIND)) throw new Error(`${PAGEFIND}: install Pagefind first (cd .bench/pagefind && npm install pagefind@1.6.0)`);
await main();
