/**
 * Queries that ask where a symbol is used ("where is parseDate used", "callers of Router.ServeHTTP", "who
 * calls urlsplit", "references to CodeGen"), as an editor's "find references" does, or where it is
 * tested ("tests for parseDate", "where is Router tested": its uses in test files, file-kind.ts). The definition holds
 * the name as well, and hybrid search lists it first (its words and meaning match best); what is wanted is
 * the code that calls it. Hybrid lists first the chunks among BM25's first that hold the name in code on
 * a line that neither imports nor defines it (fusion.ts's USAGE_PROMOTION). Measured on the validation symbol queries
 * (docs/design.md).
 */

import { matched } from './bm25';
import { commentLines } from './chunk-kind';
import { definitionLine, lastPartOf, SYMBOL_NAME } from './symbol-query';
import { topOfScores } from './top-k';

/** A name as symbol-query.ts reads one, with an optional `()`, maybe in backticks. */
const NAME = String.raw`\x60?(?<name>${SYMBOL_NAME})(?:\(\))?\x60?`;

/** The forms that ask for a name's uses. */
const USAGE_FORMS: readonly RegExp[] = [
  // "where is parseDate used", "where are the Router's … called" (one name only)
  new RegExp(String.raw`^where\s+(?:is|are)\s+${NAME}\s+(?:used|called|referenced|invoked|instantiated|imported)$`, 'i'),
  // "where do we call parseDate", "where does the cli use Router"
  new RegExp(String.raw`^where\s+(?:do|does)\s+(?:\w+\s+){1,2}(?:use|call|invoke|reference|import)\s+${NAME}$`, 'i'),
  // "callers of parseDate", "find all references to CodeGen", "usages of urlsplit"
  new RegExp(String.raw`^(?:(?:find|show|list)\s+(?:me\s+)?)?(?:all\s+|the\s+)?(?:callers|usages|uses|references|call\s+sites|invocations|calls)\s+(?:of|to)\s+${NAME}$`, 'i'),
  // "who calls parseDate", "what uses CodeGen", "which functions call parseDate"
  new RegExp(String.raw`^(?:who|what|which\s+\w+)\s+(?:calls?|uses?|references?|invokes?|imports?)\s+${NAME}$`, 'i'),
  // "parseDate usages", "parseDate callers"
  new RegExp(String.raw`^${NAME}\s+(?:callers|usages|uses|references|call\s+sites)$`, 'i'),
];

/** The forms that ask for the tests that use a name. */
const TEST_FORMS: readonly RegExp[] = [
  // "tests for parseDate", "the unit tests of Router", "test cases for urlsplit", "specs for CodeGen"
  new RegExp(String.raw`^(?:(?:find|show|list)\s+(?:me\s+)?)?(?:all\s+|the\s+)?(?:unit\s+)?(?:tests?|test\s+cases?|specs?)\s+(?:for|of)\s+${NAME}$`, 'i'),
  // "where is parseDate tested", "how is Router tested"
  new RegExp(String.raw`^(?:where|how)\s+(?:is|are)\s+${NAME}\s+tested$`, 'i'),
  // "parseDate tests"
  new RegExp(String.raw`^${NAME}\s+(?:unit\s+)?(?:tests|specs)$`, 'i'),
];


/** The name (its last part) whose uses a query asks for, and whether in tests only; undefined for any other query. */
export function usageOfQuery(query: string): { readonly name: string; readonly inTests: boolean } | undefined {
  const text = query.trim().replace(/[?.!]+$/, '');
  for (const [forms, inTests] of [[USAGE_FORMS, false], [TEST_FORMS, true]] as const) {
    for (const form of forms) {
      // The name's last part, without Ruby's `?` or `!`.
      const name = lastPartOf(text.match(form)?.groups?.name ?? '').replace(/[?!]$/, '');
      if (name) return { name, inTests };
    }
  }
  return undefined;
}

/**
 * How many of BM25's first chunks for a query that asks for a name's uses are read for them: each holds
 * the name, so the uses a ranking could show are among them. As symbol-query.ts's SYMBOL_CANDIDATES.
 */
const USAGE_CANDIDATES = 20;

/** For a query that asks for a name's uses, the name, whether in tests only, and the chunks to read for them; undefined for any other query. */
export function usageCandidates(query: string, lexicalScores: Float32Array): { readonly name: string; readonly inTests: boolean; readonly ids: readonly number[] } | undefined {
  const usage = usageOfQuery(query);
  return usage === undefined ? undefined : { ...usage, ids: topOfScores(lexicalScores, USAGE_CANDIDATES, matched).map(({ id }) => id) };
}

/** A line that brings names into a file: `import`, `from … import`, `use`, `using`, `#include`, `require(…)`. */
const IMPORT_LINE = /^\s*(?:import\b|from\s+\S+\s+import\b|(?:pub\s+)?use\s|using\s|#\s*include\b|(?:const|let|var)\s+[^=]*=\s*require\()/;

/** Whether a line of code uses `name`: holds it as a word without importing or defining it. */
function usesOf(name: string): (line: string) => boolean {
  const word = new RegExp(String.raw`(?<![\w$])${name.replace(/\$/g, '\\$')}(?![\w$])`);
  return (line) => line.includes(name) && word.test(line) && !IMPORT_LINE.test(line) && definitionLine(name, [line]) < 0;
}

/**
 * The index of the first of `lines` (code in `language`) that uses `name`: holds it in code, not in a
 * comment or docstring of that language (chunk-kind.ts; `openComment`: how the comment the lines begin
 * inside ends, if they do), nor in an import or its definition; -1 when none does.
 */
export function useLine(name: string, lines: readonly string[], language: string, openComment?: string): number {
  if (!lines.some((line) => line.includes(name))) return -1;
  const comments = commentLines(lines.join('\n'), language, openComment);
  const uses = usesOf(name);
  return lines.findIndex((line, i) => comments[i] === false && uses(line));
}

/** Which of `chunks` (an id, its language, the text when the index keeps texts, and how the comment it begins inside ends) use `name` (useLine). */
export function usingChunks(name: string, chunks: readonly { readonly id: number; readonly language: string; readonly text?: string; readonly openComment?: string }[]): Set<number> {
  return new Set(chunks.filter(({ text, language, openComment }) => text !== undefined && useLine(name, text.split('\n'), language, openComment) >= 0).map(({ id }) => id));
}
