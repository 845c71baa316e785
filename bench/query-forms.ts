/**
 * `npm run bench:query-forms`: what each way of asking costs a hybrid search, on real code. The 8 NL
 * validation codebases in one index (validation-index.ts), copied to --chunks chunks (replicate.ts),
 * searched in Node with k = 10 by each form a user types: a description, the same naming its language,
 * a symbol, its definition, its uses, its tests, a place from a compiler or a stack trace (a Go panic's,
 * a Python traceback of 30 frames whose innermost indexed one is the answer), a link to a line, a quoted
 * message, and the search box's correction of a misspelt query. Each query is embedded once by the
 * bundled model (cpu) beforehand, so the times are the search alone: reading the query's form
 * (language-query.ts searchedAs; CodeIndex.search's promotions) and ranking. --runs timed searches per
 * form after one warm-up, p50 and p90, and each form's p50 against the description's, measured in the
 * same run; and the first query on a fresh index (what an index reads once: its dense scorer's memory, its
 * chunks' kinds for those it ranks), the median over FRESH_INDEXES. Writes bench/results/query-forms.json.
 *
 *   npm run bench:query-forms -- [--chunks 100000] [--runs 30]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadEmbedder, modelChoice } from '../src/cli/load-model';
import { CodeIndex } from '../src/search/code-index';
import { searchedAs } from '../src/search/language-query';
import { oneTokenOf } from '../src/search/query-correction';
import { percentile } from './ann-measure';
import { replicated } from './replicate';
import { validationIndex } from './validation-index';

/** The forms timed, each a query over code the validation index holds (paths as the index has them, under copy0/). */
const FORMS: readonly { readonly form: string; readonly query: string }[] = [
  { form: 'description', query: 'match the request path against the route patterns and find its handler' },
  { form: 'description, language named', query: 'match the request path against the route patterns and find its handler in go' },
  { form: 'symbol', query: 'NewMux' },
  { form: 'definition', query: 'where is NewMux defined' },
  { form: 'uses', query: 'where is Walk used' },
  { form: 'tests', query: 'tests for Walk' },
  { form: 'compiler place', query: 'copy0/go-chi/mux.go:120:5: undefined: methodMap' },
  { form: 'stack trace', query: 'panic: chi: all middlewares must be defined before routes on a mux\n\ngoroutine 1 [running]:\ngithub.com/go-chi/chi.(*Mux).Use(...)\n\t/home/me/go/src/copy0/go-chi/mux.go:100 +0x1d' },
  {
    form: 'a Python traceback of 30 frames',
    query: [
      'Traceback (most recent call last):',
      '  File "/home/me/site/build.py", line 12, in <module>',
      '  File "/home/me/venv/lib/copy0/docutils/core.py", line 450, in publish_string',
      '  File "/home/me/venv/lib/copy0/docutils/core.py", line 236, in publish',
      '  File "/home/me/venv/lib/copy0/docutils/parsers/rst/__init__.py", line 184, in parse',
      ...Array.from({ length: 26 }, (_, i) => `  File "/usr/lib/python3.12/lib${i}/step${i}.py", line ${10 + i}, in step${i}`),
      'ValueError: unexpected section title',
    ].join('\n'),
  },
  { form: 'link to a line', query: 'https://github.com/go-chi/chi/blob/master/copy0/go-chi/tree.go#L827' },
  { form: 'quoted message', query: '"all middlewares must be defined before routes"' },
];

/** How many fresh indexes time their first query. */
const FRESH_INDEXES = 5;

/** The search box's input before it searches: misspelt and cut short, corrected by CodeIndex.correct. */
const TYPED = 'match the requst path aganst the route patt';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { chunks: { type: 'string', default: '100000' }, runs: { type: 'string', default: '30' } } });
  const runs = Number(values.runs);
  const data = replicated(await validationIndex(), Number(values.chunks));
  const index = new CodeIndex(data);
  const embedder = await loadEmbedder(await modelChoice({ device: 'cpu' }), () => undefined);
  const searches = FORMS.map(({ query }) => searchedAs(query, undefined, index));
  const vectors = await embedder.embed(searches.map((s) => s.query), { kind: 'query' });
  const oneToken = oneTokenOf((text) => embedder.tokenize(text));

  const firstQuery = percentile(
    Array.from({ length: FRESH_INDEXES }, () => {
      const fresh = new CodeIndex(data);
      const started = performance.now();
      fresh.search({ vector: vectors[0], text: searches[0].query, filter: searches[0].filter }, 10, 'hybrid');
      return performance.now() - started;
    }),
    0.5,
  );
  const timed = (run: () => void): number[] => {
    run();
    return Array.from({ length: runs }, () => {
      const started = performance.now();
      run();
      return performance.now() - started;
    });
  };
  const rows = FORMS.map(({ form, query }, i) => {
    const times = timed(() => {
      const searched = searchedAs(query, undefined, index);
      index.search({ vector: vectors[i], text: searched.query, filter: searched.filter }, 10, 'hybrid');
    });
    const top = index.search({ vector: vectors[i], text: searches[i].query, filter: searches[i].filter }, 1, 'hybrid')[0];
    return { form, query, p50: percentile(times, 0.5), p90: percentile(times, 0.9), first: top ? `${top.path}:${top.startLine}` : '-' };
  });
  const correction = timed(() => index.correct(TYPED, oneToken));
  rows.push({ form: 'correction as typed', query: TYPED, p50: percentile(correction, 0.5), p90: percentile(correction, 0.9), first: index.correct(TYPED, oneToken) });
  embedder.dispose();

  const base = rows[0].p50;
  console.log(`${index.size.toLocaleString('en')} chunks, ${index.files.toLocaleString('en')} files, dim ${index.data.dim}; hybrid, k = 10; ${runs} runs per form (Node ${process.version})`);
  console.log(`the first query on a fresh index (a description), median of ${FRESH_INDEXES}: ${firstQuery.toFixed(1)} ms\n`);
  console.log('| form | p50 / p90 ms | p50 against a description | first result |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.form} | ${r.p50.toFixed(1)} / ${r.p90.toFixed(1)} | ${(r.p50 / base).toFixed(2)}x | ${r.first} |`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/query-forms.json', `${JSON.stringify({ date: new Date().toISOString(), node: process.version, chunks: index.size, files: index.files, dim: index.data.dim, runs, firstQueryMs: firstQuery, rows }, null, 1)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
