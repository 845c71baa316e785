/** The search benchmark in a browser Worker, off the main thread: measures what it is asked, posts each row. */
import { measureSearch } from './search-measure';

self.onmessage = (event: MessageEvent<{ sizes: number[]; dims: number[]; queries: number }>) => {
  const { sizes, dims, queries } = event.data;
  for (const dim of dims) for (const n of sizes) self.postMessage({ row: measureSearch(n, dim, queries) });
  self.postMessage({ done: true });
};
