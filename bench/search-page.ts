/** Page side of `npm run bench:search:chromium`: runs the measurement in a Worker and hands the rows back. */
import type { SearchRow } from './search-measure';

async function runSearchBench(request: { sizes: number[]; dims: number[]; queries: number }): Promise<SearchRow[]> {
  const worker = new Worker(new URL('./search-worker.ts', import.meta.url), { type: 'module' });
  const rows: SearchRow[] = [];
  return new Promise((resolve, reject) => {
    worker.onerror = (event) => reject(new Error(event.message));
    worker.onmessage = (event: MessageEvent<{ row?: SearchRow; done?: boolean }>) => {
      if (event.data.row) {
        rows.push(event.data.row);
        console.log(`measured ${event.data.row.chunks} x ${event.data.row.dim}`);
      }
      if (event.data.done) {
        worker.terminate();
        resolve(rows);
      }
    };
    worker.postMessage(request);
  });
}

Object.assign(window, { runSearchBench });
document.getElementById('status')!.textContent = 'ready';
