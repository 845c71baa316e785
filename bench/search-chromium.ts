/**
 * `npm run bench:search:chromium`: bench/search-measure.ts in headless Chromium, inside a Worker (off the
 * main thread), on the same data as the Node bench. Prints the same table; writes
 * .bench/search-results-chromium.json.
 *
 *   npm run bench:search:chromium -- [--sizes 10000,100000,1000000] [--dims 256,896] [--queries 200]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { rowLine, TABLE_HEAD, type SearchRow } from './search-measure';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000,1000000' }, dims: { type: 'string', default: '256,896' }, queries: { type: 'string', default: '200' } } });
  const server = await createServer({ server: { host: '127.0.0.1', port: 5398, strictPort: true, watch: null, hmr: false }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    page.on('console', (message) => process.stderr.write(`${message.text()}\n`));
    await page.goto('http://127.0.0.1:5398/bench/search.html');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const request = { sizes: values.sizes.split(',').map(Number), dims: values.dims.split(',').map(Number), queries: Number(values.queries) };
    const rows: SearchRow[] = await page.evaluate((r) => (window as unknown as { runSearchBench(r: unknown): Promise<SearchRow[]> }).runSearchBench(r), request);
    console.log(`Chromium ${browser.version()}, in a Worker${rows[0]?.simd ? ', WASM SIMD dense scores' : ''}\n`);
    console.log([...TABLE_HEAD, ...rows.map(rowLine)].join('\n'));
    mkdirSync('.bench', { recursive: true });
    writeFileSync('.bench/search-results-chromium.json', JSON.stringify({ date: new Date().toISOString(), browser: browser.version(), rows }, null, 1));
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
