/**
 * Queries that name the language of the code they describe ("parse a date in rust", "the python code that
 * reads the config", "go: retry with backoff", "read a file in go without loading it whole"), as people
 * search a codebase of several. Read as words, the name finds little: BM25 matches it in comments and
 * strings anywhere, and chunks in other languages that do the same thing still outrank the answer. In one index of the eight validation codebases (eight
 * languages), the validation queries with their answer's language after them ("… in rust") gave hybrid
 * file MRR@10 0.710, and searched in that language only, without the words, 0.784 (docs/design.md).
 * So where a search has no language filter of its own and the index holds the language named, the name
 * becomes the filter (search-filter.ts) and leaves the query for both sides.
 * Only a name in one of the forms below is read so; mid-sentence, only before words that go on describing
 * the code ("with", "without", "that", a comma …), and not a one-letter name, "ts" or "py", which are
 * variables as often ("store it in c for later"). A language code works on more often than it is
 * written in ("in sql", "in html", "in bash": escaping a value for SQL) is read only before its files'
 * noun: "the bash script that runs the tests", "sql files". A query holding a quotation mark or backtick
 * is left as typed: that is how to search for the words themselves.
 */
import { quotesItsWords, withoutRequestFrame } from '../text/query-form';
import type { SearchFilter } from './search-filter';

/** What people call each language an index lists (corpus.ts's names), as they type it. */
const NAMES: Readonly<Record<string, readonly string[]>> = {
  javascript: ['javascript', 'js', 'node.js', 'nodejs'],
  typescript: ['typescript', 'ts'],
  python: ['python', 'python3', 'py'],
  go: ['go', 'golang'],
  rust: ['rust'],
  java: ['java'],
  kotlin: ['kotlin'],
  scala: ['scala'],
  swift: ['swift'],
  c: ['c'],
  cpp: ['c++', 'cpp'],
  'objective-c': ['objective-c', 'objc', 'obj-c'],
  csharp: ['c#', 'csharp'],
  php: ['php'],
  ruby: ['ruby'],
  dart: ['dart'],
  lua: ['lua'],
  r: ['r'],
  julia: ['julia'],
  elixir: ['elixir'],
  erlang: ['erlang'],
  haskell: ['haskell'],
  ocaml: ['ocaml'],
  clojure: ['clojure'],
  zig: ['zig'],
  groovy: ['groovy'],
  perl: ['perl'],
  powershell: ['powershell', 'pwsh'],
  solidity: ['solidity'],
  hcl: ['terraform', 'hcl'],
  vue: ['vue'],
  svelte: ['svelte'],
};

/** Languages a query names only before their files' noun ("bash script", "sql files"): "in bash" and "in html" more often say what code works on. */
const FILE_NAMES: Readonly<Record<string, readonly string[]>> = {
  shell: ['shell', 'bash', 'sh', 'zsh'],
  sql: ['sql'],
  html: ['html'],
  css: ['css'],
  scss: ['scss'],
  markdown: ['markdown', 'md'],
  protobuf: ['protobuf', 'proto'],
  graphql: ['graphql'],
  cmake: ['cmake'],
};

/** The languages a query may name, for a test against corpus.ts. */
export const NAMEABLE_LANGUAGES: readonly string[] = [...Object.keys(NAMES), ...Object.keys(FILE_NAMES)];

const byName = (table: typeof NAMES) => Object.entries(table).flatMap(([language, names]) => names.map((name) => [name, language] as const));
const LANGUAGE_OF_NAME = new Map([...byName(NAMES), ...byName(FILE_NAMES)]);
/** Whether `word` is a language's name as people type it ("scala", "nodejs"): a word, never a typo to correct. */
export const isLanguageName = (word: string): boolean => LANGUAGE_OF_NAME.has(word.toLowerCase());
/** The language (corpus.ts's name) that `name` names as people type it ("golang", "c++", "terraform"), in any case; the name itself, lowercased, where it names none. */
export const languageCalled = (name: string): string => LANGUAGE_OF_NAME.get(name.toLowerCase()) ?? name.toLowerCase();

const escaped = (name: string) => name.replace(/[.+]/g, (c) => `\\${c}`);
/** Any name of `table`, longest first ("c++" before "c"), followed by neither a letter, a digit nor a sign that would make it another word. */
const nameOf = (table: typeof NAMES, read = (_name: string) => true) =>
  `(?<name>${byName(table).map(([name]) => name).filter(read).sort((a, b) => b.length - a.length).map(escaped).join('|')})(?![\\p{L}\\p{N}_+#])`;
const NAME = nameOf(NAMES);
/** The names read mid-sentence: not one letter, nor "ts" or "py" ("store it in ts for later" holds a variable). */
const MID_NAME = nameOf(NAMES, (name) => name.length > 1 && name !== 'ts' && name !== 'py');
/** The words after a language named mid-sentence that go on describing the code: "… in rust without allocating". */
const GOES_ON = '(?:with|without|using|that|which|so|for|when|while|by|via|but|and|given|from|into)';
/** What follows a language's name when it names the language of some code: "rust code", "the go function", "python files". */
const CODE = '(?:code|functions?|methods?|class(?:es)?|files?|sources?|implementations?|versions?|modules?|packages?|crates?|structs?|traits?|interfaces?|scripts?|librar(?:y|ies)|side|port)';
const END = '[?.!]*$';

/** A request's start that a name before the code's noun may follow ("find", "where is"), kept. */
const LEAD = `(?<lead>(?:find|search\\s+for|look\\s+for|show|get|where\\s+is|where's)\\s+)?(?:(?:the|a|an|our|some|any)\\s+)?`;

/** The forms that name a language: group `name` holds the name, `lead`, `rest` and `tail` the words kept (of every line). */
const FORMS: readonly RegExp[] = [
  // "parse a date in rust", "… written in rust code", "…, in rust?"
  new RegExp(`^(?<rest>.*?[\\p{L}\\p{N})\\]'])[\\s,]+(?:written\\s+)?in\\s+${NAME}(?:\\s+${CODE})?${END}`, 'isu'),
  // "parse a date in rust without allocating", "read a file in go, a line at a time": the words after the name stay
  new RegExp(`^(?<rest>.*?[\\p{L}\\p{N})\\]'])\\s+(?:written\\s+)?in\\s+${MID_NAME}(?:\\s+${CODE})?(?<tail>,\\s*\\S.*|\\s+${GOES_ON}\\s+\\S.*)$`, 'isu'),
  // "parse a date (rust)"
  new RegExp(`^(?<rest>.*?\\S)\\s*\\(${NAME}\\)${END}`, 'isu'),
  // "in rust, parse a date"
  new RegExp(`^in\\s+${NAME}\\s*[,:]?\\s+(?<rest>.*\\S)`, 'isu'),
  // "rust: parse a date"
  new RegExp(`^${NAME}\\s*:\\s*(?<rest>.*\\S)`, 'isu'),
  // "the rust code that parses a date", "find python files that …": the code's noun stays for query-form.ts's frames
  new RegExp(`^${LEAD}${NAME}\\s+(?<rest>${CODE}(?![\\p{L}\\p{N}]).*)`, 'isu'),
  // "the bash script that runs the tests", "sql files for the schema": the noun and what joins it leave too
  new RegExp(`^${LEAD}${nameOf(FILE_NAMES)}\\s+(?:scripts?|files?)(?:\\s+(?:that|which|to|for|with))?\\s+(?<rest>\\S.*)`, 'isu'),
];

/**
 * The language `query` names among `languages` (an index's), and the query without the words that name
 * it; undefined where it names none of them in the forms above, or holds a quotation mark or backtick.
 * The forms that begin a query are also read after a request's frame ("show me the rust code that …").
 */
export function namedLanguage(query: string, languages: readonly string[]): { language: string; query: string } | undefined {
  if (quotesItsWords(query)) return undefined;
  const trimmed = query.trim();
  for (const text of new Set([trimmed, withoutRequestFrame(trimmed).trim()])) {
    for (const form of FORMS) {
      const groups = text.match(form)?.groups;
      const language = groups && LANGUAGE_OF_NAME.get(groups.name.toLowerCase());
      if (language && languages.includes(language)) return { language, query: `${groups.lead ?? ''}${groups.rest}${groups.tail ?? ''}` };
    }
  }
  return undefined;
}

/**
 * What a search runs: where `filter` names no language and the index can filter, the language `query`
 * names (namedLanguage) as its filter and the query without its name; else the query and filter as given.
 * `named` is the language so read, for the caller to say so.
 */
export function searchedAs(
  query: string,
  filter: SearchFilter | undefined,
  index: { readonly languages: readonly string[]; readonly filterable: boolean },
): { query: string; filter?: SearchFilter; named?: string } {
  const named = index.filterable && !filter?.language ? namedLanguage(query, index.languages) : undefined;
  return named ? { query: named.query, filter: { ...filter, language: named.language }, named: named.language } : { query, filter };
}
