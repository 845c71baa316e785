/**
 * `npm run bench:pagefind-quality`: Pagefind's ranking against this project's on the code-search
 * validation set in users' words (../shared/eval/nl-validation, 185 queries over 8 codebases), file level
 * as `npm run eval` measures it (MRR@10 and R@10 over the distinct files returned; a hit is a target).
 * Each codebase's files (from its index in .eval/index/validation, which `npm run eval` builds) become a
 * site of HTML pages, one per file (pagefind-pages.ts), indexed by Pagefind 1.6 (installed in
 * .bench/pagefind) and searched in headless Chromium through pagefind.js. Queries are run as written
 * and, since Pagefind returns only pages holding every word, also as Pagefind's users would retry: with
 * the words Pagefind knows and that are not in a list of English stop words. The project's own numbers
 * are eval/results.json's (same queries, same indexes). Writes bench/results/pagefind-quality.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { hitRanks, readQueries } from '../eval/code-search';
import { readIndexFile } from '../src/node/read-index';
import type { CodeSearchResult } from '../src/search/code-index';
import { pagefindSearch, writePages, writePagefindSearchPage } from './pagefind-pages';
import { throttledServer } from './throttled-server';

const WORK = resolve('.bench/pagefind-quality');
const PAGEFIND = resolve('.bench/pagefind/node_modules/.bin/pagefind');
const INDEXES = '.eval/index/validation';
const QUERIES = '../shared/eval/nl-validation/queries.jsonl';
const PORT = 4199;
const STOP_WORDS = new Set('a an and are as at be by can do does for from get how i in into is it its me my of on or that the this to what when where which with without'.split(' '));

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const codebases = readdirSync(INDEXES).filter((f) => f.endsWith('.c2idx')).map((f) => f.replace(/\.c2idx$/, '')).sort();
  for (const id of codebases) {
    writePages(await readIndexFile(join(INDEXES, `${id}.c2idx`)), join(WORK, id));
    execFileSync(PAGEFIND, ['--site', join(WORK, id), '--silent'], { stdio: 'inherit' });
  }
  writePagefindSearchPage(join(WORK, 'search.html'));
  const server = await throttledServer(WORK, PORT, { bitsPerSecond: 1e12, latencyMs: 0 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const queries = readQueries(QUERIES);
  const ranks: Record<string, number[]> = { asWritten: [], keywords: [] };
  const empty: Record<string, number> = { asWritten: 0, keywords: 0 };
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/search.html`);
    for (const q of queries) {
      const keywords = q.query.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((w) => w && !STOP_WORDS.has(w)).join(' ');
      for (const [form, text] of [['asWritten', q.query], ['keywords', keywords]] as const) {
        const urls = await pagefindSearch(page, q.codebase, text);
        if (urls.length === 0) empty[form]++;
        const results = urls.map((url): CodeSearchResult => ({ path: decodeURIComponent(url.replace(`/${q.codebase}/`, '').replace(/\.html$/, '')), language: '', startLine: 0, endLine: 0, score: 0 }));
        ranks[form].push(hitRanks(q, results).file);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const mrr = (r: number[]) => +(r.reduce((s, x) => s + (x > 0 ? 1 / x : 0), 0) / r.length).toFixed(4);
  const recall = (r: number[]) => +(r.filter((x) => x > 0).length / r.length).toFixed(4);
  const ours = existsSync('eval/results.json') ? JSON.parse(readFileSync('eval/results.json', 'utf8')).codeSearchValidation : undefined;
  const report = {
    date: new Date().toISOString().slice(0, 10),
    queries: queries.length,
    pagefind: Object.fromEntries(Object.entries(ranks).map(([form, r]) => [form, { fileMrr10: mrr(r), fileRecall10: recall(r), queriesWithNoResult: empty[form] }])),
    c2llm: ours ? Object.fromEntries(['hybrid', 'dense', 'lexical'].map((mode) => [mode, { fileMrr10: +ours[mode].all.fileMrr10.toFixed(4), fileRecall10: +ours[mode].all.fileRecall10.toFixed(4) }])) : 'run npm run eval first',
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/pagefind-quality.json', `${JSON.stringify(report, null, 1)}\n`);
  console.log(JSON.stringify(report, null, 1));
}

if (!existsSync(PAGEFIND)) throw new Error(`${PAGEFIND}: install Pagefind first (cd .bench/pagefind && npm install pagefind@1.6.0)`);
await main();
