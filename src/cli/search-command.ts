/**
 * `c2llm search --index <file|split folder> [--query <text> | --queries <file.json>] [--k 10] [--mode hybrid|dense|lexical]
 *  [--language <name>] [--folder <path>] [--probes N] [--files] [--context N] [--json | --vimgrep] [--model <dir>] [--device ...] [--dtype ...]`: ranks an index's chunks for each query
 * (`--files`: only each file's best chunk, k files; `--context`: lines of the chunk shown around each result's line)
 * (`--language`, `--folder`: only the chunks of files in that language, or whose path starts so,
 * search-filter.ts; without --language, a language the query names in so many words, "parse a date in
 * rust", is its filter and leaves the query: language-query.ts; `--probes`: a split index's partitions scored per query, default its manifest's). In
 * dense and hybrid modes a misspelt word is searched as the index's word one typo from it (query-correction.ts; the listing, or
 * stderr, says so), a query given whole having no last word to complete. Queries are embedded as queries (the code-search instruction) with --model, else the bundled C2LLM-nano; its
 * fingerprint must match the index's. A folder of code given as the index is indexed in memory first
 * (opened-index.ts), and results name their files under it as typed. An index is a file people get from others: it never chooses what
 * is loaded, read or downloaded (the model it names is only compared). With --queries or --json, stdout
 * is exactly {"results": [[{"path", "startLine", "endLine", "score"}, ...], ...]} (and "anchor", an HTML
 * page's heading id, on the results of an index made with --html that have one): one list per query,
 * best first; otherwise a readable listing, or with --vimgrep one line per result as grep -n prints a
 * match (search-output.ts). Without a query, queries are read one a line from stdin and each is answered
 * as it is read (with --json, a line of JSON each), the index opened and the model loaded once.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InputError } from '../errors';
import { requireSameModel } from '../search/index-trust';
import { BUNDLED_MODEL_NAME } from '../node/bundled-model';
import { CodeIndex, type CodeSearchResult } from '../search/code-index';
import { oneTokenOf } from '../search/query-correction';
import { SEARCH_MODES, type SearchMode } from '../search/ranking';
import { languageCalled, searchedAs } from '../search/language-query';
import { narrows, type SearchFilter } from '../search/search-filter';
import type { CommandHelp, FlagHelp } from './command-help';
import { positiveInt } from './flag-values';
import { MODEL_FLAG_HELP, MODEL_FLAGS } from './load-model';
import { ModelOnDemand, openIndex } from './opened-index';
import { EXCLUDE_HELP, EXCLUDE_OPTION, excludedPatterns } from './folder-index';
import { DEFAULT_PROBES } from '../search/split-index';
import { grepLine, listing, noResults, searchNotes, wordsSearched, type Searched } from './search-output';

export const SEARCH_USAGE = 'usage: c2llm search --index <file|folder> [--query <text> | --queries <file.json>] (or c2llm search <file|folder> ["<text>"]; no query: one a line on stdin) [--k 10] [--mode hybrid|dense|lexical] [--language <name>] [--folder <path>] [--probes N] [--files] [--context N] [--json | --vimgrep] [--exclude <pattern>]... [--model <dir>] [--device ...] [--dtype ...]';

export const SEARCH_OPTIONS = {
  ...MODEL_FLAGS,
  index: { type: 'string' },
  query: { type: 'string' },
  queries: { type: 'string' },
  k: { type: 'string', default: '10' },
  mode: { type: 'string', default: 'hybrid' },
  language: { type: 'string' },
  folder: { type: 'string' },
  probes: { type: 'string' },
  json: { type: 'boolean' },
  vimgrep: { type: 'boolean' },
  files: { type: 'boolean' },
  context: { type: 'string', short: 'C' },
  exclude: EXCLUDE_OPTION,
} as const;

export const SEARCH_HELP: CommandHelp = {
  usage: SEARCH_USAGE,
  does:
    'Ranks the chunks of an index made by `c2llm index` for each query, and lists the best with the line of each that best shows the query. ' +
    'A query may describe what the code does, be a name (urlsplit, Router.ServeHTTP), ask where a name is used or tested, quote a message the code prints, ' +
    "or be a file's name or a place pasted from a compiler or a stack trace (src/mux.go:120). " +
    "By meaning (dense and hybrid), a misspelt word is searched as the index's commonest word one typo from it, and the listing says so; quotes keep the words as typed.",
  flags: [
    ['--index <file|folder>', 'an index file, the folder of a split index (--split), or a folder of code, indexed in memory as c2llm index would (nothing written); the same as the first of two arguments'],
    ['--query <text>', 'what to look for; the same as the second argument; with neither, queries are read one a line from stdin (typed, or piped) and each is answered as it is read'],
    ['--queries <file.json>', 'a JSON array of queries, answered in turn (stdout as with --json)'],
    ['--k N', 'how many results (default 10); the first ten are the same whatever N is'],
    ['--mode <mode>', 'hybrid: by meaning and words (default); dense: by meaning alone; lexical: by words alone (BM25)'],
    ['--language <name>', 'rank only the files in that language (as the index lists them, or as people call it: golang, c++, terraform); without it, a language the query names ("parse a date in rust") is taken as this filter'],
    ['--folder <path>', 'rank only the files whose path starts so (src/parser/)'],
    ['--probes N', `a split index's partitions scored for each query (default: its manifest's, ${DEFAULT_PROBES})`],
    ['--files', "one result for each file, its best chunk: the k files that best answer the query, best first (the listing, --json and --vimgrep alike)"],
    ['-C, --context N', "the listing shows N lines of each result's chunk before and after its line (numbered N- as grep -C numbers them; the line itself N:)"],
    ['--json', 'stdout is {"results": [[{"path", "startLine", "endLine", "score"}, ...]]}, one list per query'],
    ['--vimgrep', "stdout is one line per result, best first, as grep -n and ripgrep's --vimgrep print a match (path:line:column:text, the line that best shows the query), for an editor's list of places (vim's :cexpr, Emacs's grep-mode) run from the indexed folder"],
    [EXCLUDE_HELP[0], `for a folder of code: ${EXCLUDE_HELP[1]}`],
    ...MODEL_FLAG_HELP.map(([flag, meaning]): FlagHelp => [flag, flag.startsWith('--model') ? `${meaning}; it must be the model the index was made with` : meaning]),
  ],
  examples: ['c2llm search code.c2idx "retry a request with exponential backoff"', 'c2llm search ./my-project "retry a request with exponential backoff"', 'c2llm search code.c2idx "where is parseDate used" --k 20', 'c2llm search --index site/code-index/ --query "mux.go:120" --json', 'vim -q <(c2llm search code.c2idx "parse the retry header" --vimgrep)'],
};

/** With --files, how many chunks are ranked for each file asked for: each file's best chunk is among them (a file's chunks rarely fill more). */
const CHUNKS_PER_FILE = 10;

/** `results` (best first) with each file's best alone. */
const bestOfEachFile = (results: readonly CodeSearchResult[]): CodeSearchResult[] => {
  const seen = new Set<string>();
  return results.filter((r) => !seen.has(r.path) && seen.add(r.path));
};

async function readQueries(file: string): Promise<string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new InputError(`${file}: cannot be read as JSON (${(cause as Error).message})`, { cause });
  }
  if (!Array.isArray(parsed) || parsed.some((q) => typeof q !== 'string')) throw new InputError(`${file}: must be a JSON array of strings`);
  return parsed as string[];
}

/** Where the answers go: the listing marked for a terminal that shows marks (terminal-marks.ts's marksWanted); `lines`, the queries typed or piped one a line when none is given. */
export interface SearchIo {
  readonly marked: boolean;
  readonly lines?: AsyncIterable<string>;
  /** Each answer to a query of `lines`, as soon as it is ready. */
  readonly write?: (text: string) => Promise<void>;
}

/** The answers to the queries given, as stdout shows them; with no query given, each line of `io.lines` answered through `io.write` in turn, and ''. */
export async function searchCommand(argv: string[], log: (line: string) => void, io: SearchIo = { marked: false }): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: SEARCH_OPTIONS,
    strict: true,
  });
  // The short form, as `c2llm index <folder>` takes its folder: c2llm search <index> "<query>"; with the index alone, queries come a line each.
  const flagless = values.index === undefined && values.query === undefined && values.queries === undefined;
  if (flagless && positionals.length <= 2) [values.index, values.query] = positionals;
  else if (positionals.length > 0) {
    // Unquoted words: the shell may have expanded any of them (a `?` or `*` matching files), so they are not searched as given.
    const [index, words] = flagless ? [positionals[0], positionals.slice(1)] : [values.index ?? '<index>', [values.query ?? [], positionals].flat()];
    throw new InputError(`the words to search for go after --query, in quotes: c2llm search --index ${index} --query ${JSON.stringify(words.join(' '))}`);
  }
  if (!values.index) throw new InputError(`an index (or a folder of code) is required: c2llm search <index|folder> "<query>"\n${SEARCH_USAGE}`);
  if (values.query !== undefined && values.queries !== undefined) throw new InputError('--query and --queries: choose one');
  const lineByLine = values.query === undefined && values.queries === undefined;
  // The flag that makes stdout JSON instead of the listing, if one does.
  const json = values.json ? '--json' : values.queries !== undefined ? '--queries' : undefined;
  if (values.vimgrep && json) throw new InputError(`--vimgrep lists one query's results; ${json} writes JSON: choose one`);
  const context = positiveInt('context', values.context, 'lines');
  const unlisted = json ?? (values.vimgrep ? '--vimgrep' : undefined);
  if (context !== undefined && unlisted) throw new InputError(`--context shows lines in the listing; ${unlisted} prints none: choose one`);
  const k = positiveInt('k', values.k);
  const mode = values.mode as SearchMode;
  if (!SEARCH_MODES.includes(mode)) throw new InputError(`--mode must be ${SEARCH_MODES.join(', ')}, got "${values.mode}"`);
  const probes = positiveInt('probes', values.probes);
  const queries = values.queries !== undefined ? await readQueries(values.queries) : lineByLine ? [] : [values.query as string];
  const blank = queries.findIndex((q) => q.trim() === '');
  if (blank >= 0) {
    throw new InputError(values.queries !== undefined ? `${values.queries}: element ${blank} is empty; every query needs words to search for` : '--query is empty: give the words to search for');
  }
  const model = new ModelOnDemand(values, log);
  try {
    const { index, pathsUnder } = await openIndex(values.index, model, { probes, excluded: excludedPatterns(values.exclude) }, log);
    const shown = (r: CodeSearchResult): CodeSearchResult => (pathsUnder === undefined ? r : { ...r, path: `${pathsUnder}/${r.path}` });
    const filter: SearchFilter = { language: values.language === undefined ? undefined : languageCalled(values.language), folder: values.folder };
    if (narrows(filter) && !index.filterable) throw new InputError(`${values.index}: this split index was written before search filters; write it again (c2llm split, or c2llm index --split) to use --language or --folder`);
    if (filter.language !== undefined && !index.languages.includes(filter.language)) {
      const asked = values.language!.toLowerCase() === filter.language ? filter.language : `${values.language} (${filter.language})`;
      throw new InputError(`--language ${asked}: the index holds no such files; its languages are ${index.languages.join(', ') || 'none'}`);
    }
    if (mode !== 'lexical') {
      const choice = await model.choose();
      const advice = values.model === undefined ? `: pass --model <that model's folder or Hub repo id> to search it (an index never chooses which model is loaded)` : '';
      requireSameModel(values.index, index.model, { fingerprint: await model.fingerprint(), name: values.model === undefined ? `the bundled ${BUNDLED_MODEL_NAME}` : choice.dir }, advice);
    }

    /** `asked`'s answers as stdout shows them. */
    const answer = async (asked: readonly string[]): Promise<string> => {
      let searches: Searched[] = asked.map((q) => searchedAs(q, filter, index));
      let vectors: (Float32Array | undefined)[] = asked.map(() => undefined);
      if (mode !== 'lexical') {
        const embedder = await model.load();
        // A misspelt word is searched as the index's word one edit from it (query-correction.ts); a query given whole has no word cut short.
        const oneToken = oneTokenOf((text) => embedder.tokenize(text));
        searches = await Promise.all(searches.map(async (s) => ({ ...s, corrected: await index.correct(s.query, oneToken, false) })));
        vectors = await embedder.embed(searches.map(wordsSearched), { kind: 'query' });
      }
      const results: CodeSearchResult[][] = [];
      const ranked = values.files ? k * CHUNKS_PER_FILE : k;
      for (const [i, searched] of searches.entries()) {
        const query = { vector: vectors[i], text: wordsSearched(searched), filter: searched.filter };
        const found = index instanceof CodeIndex ? index.search(query, ranked, mode) : await index.search(query, ranked, mode, { probes });
        results.push((values.files ? bestOfEachFile(found).slice(0, k) : found).map(shown));
      }
      if (json) {
        // stdout is the results alone: how a query was searched (its language, its corrected words) goes to stderr.
        searches.forEach((searched, i) => searchNotes(searched).forEach((note) => log(`${asked.length > 1 ? `query ${i + 1}: ` : ''}${note}`)));
        return JSON.stringify({ results: results.map((list) => list.map(({ path, startLine, endLine, score, anchor }) => ({ path, startLine, endLine, score, ...(anchor ? { anchor } : {}) }))) });
      }
      if (values.vimgrep) {
        searchNotes(searches[0]).forEach(log);
        if (results[0].length === 0) log(noResults(index.size, mode, searches[0].filter ?? filter));
        return results[0].map((r) => grepLine(r, wordsSearched(searches[0]))).join('\n');
      }
      return asked.map((q, i) => listing(q, results[i], () => noResults(index.size, mode, searches[i].filter ?? filter), searches[i], io.marked, context)).join('\n\n');
    };

    if (!lineByLine) return await answer(queries);
    if (!io.lines || !io.write) throw new InputError(`give the words to search for: c2llm search ${values.index} "<query>"`);
    log(`c2llm: ${index.size} chunks; one query a line${json ? ' (each answered by a line of JSON)' : ''}, to the end of the input (Ctrl-D)`);
    let answered = 0;
    for await (const line of io.lines) {
      if (line.trim() === '') continue;
      // The listing's answers apart by a blank line, as --queries' are; JSON and --vimgrep's a line each.
      const text = await answer([line]);
      await io.write(answered > 0 && !unlisted ? `\n${text}` : text);
      answered++;
    }
    if (answered === 0) throw new InputError(`no query was given: c2llm search ${values.index} "<query>", --queries <file.json>, or one query a line on stdin`);
    return '';
  } finally {
    await model.dispose();
  }
}
