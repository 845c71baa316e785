/**
 * `npm run bench:search`: search latency of the index format at 10k, 100k and 1M chunks, dim 256 and 896,
 * k = 10, in Node (dense, lexical and hybrid; p50 and p90 of --queries queries), the index's bytes per
 * chunk against f32 vectors, and the recall@10 of the quantized dense search (int8, and above 20k chunks a
 * sign-bit first stage, dense-ranking.ts) against exact f32 search (up to
 * 100k chunks, where the f32 vectors are kept to compare). Data: bench/search-measure.ts. The same in
 * headless Chromium, in a Worker: `npm run bench:search:chromium`. Writes .bench/search-results.json.
 *
 *   npm run bench:search -- [--sizes 10000,100000,1000000] [--dims 256,896] [--queries 200]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { measureSearch, rowLine, TABLE_HEAD, type SearchRow } from './search-measure';

function main(): void {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000,1000000' }, dims: { type: 'string', default: '256,896' }, queries: { type: 'string', default: '200' } } });
  const rows: SearchRow[] = [];
  console.log(`Node ${process.version}\n`);
  console.log(TABLE_HEAD.join('\n'));
  for (const dim of values.dims.split(',').map(Number)) {
    for (const n of values.sizes.split(',').map(Number)) {
      const row = measureSearch(n, dim, Number(values.queries));
      rows.push(row);
      console.log(rowLine(row));
    }
  }
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/search-results.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 1));
}

main();
