/**
 * `npm run bench:search:chromium`: bench/search-measure.ts in headless Chromium, inside a Worker (off the
 * main thread), on the same data as the Node bench. Prints the same table; writes
 * .bench/search-results-chromium.json.
 *
 *   npm run bench:search:chromium -- [--sizes 10000,100000,1000000] [--dims 256,896] [--queries 200]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runInChromium } from './in-chromium';
import { rowLine, TABLE_HEAD, type SearchRow } from './search-measure';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000,1000000' }, dims: { type: 'string', default: '256,896' }, queries: { type: 'string', default: '200' } } });
  const request = { sizes: values.sizes.split(',').map(Number), dims: values.dims.split(',').map(Number), queries: Number(values.queries) };
  const { result: rows, browserVersion } = await runInChromium<SearchRow[]>(5398, 'bench/search.html', 'runSearchBench', request);
  console.log(`Chromium ${browserVersion}, in a Worker${rows[0]?.simd ? ', WASM SIMD dense scores' : ''}\n`);
  console.log([...TABLE_HEAD, ...rows.map(rowLine)].join('\n'));
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/search-results-chromium.json', JSON.stringify({ date: new Date().toISOString(), browser: browserVersion, rows }, null, 1));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
