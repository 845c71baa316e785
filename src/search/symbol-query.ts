/**
 * Queries that name a symbol (`urlsplit`, `Router.ServeHTTP`, `os.path.join`, `Vec::with_capacity()`,
 * `class Router`, "where is parseDate defined", "definition of Router")
 * and the chunks that define it. People search a codebase by a name as often as by a description, and
 * want the definition before the places that call it: BM25 alone ranks a chunk that calls a function
 * three times above the one that defines it once. Hybrid search lists a defining chunk first
 * (fusion.ts's SYMBOL_DEFINITION_PROMOTION). A definition is told by the line that introduces the name,
 * in the forms of the languages corpus.ts knows: a keyword before it (`def`, `fn`, `func`, `function`,
 * `class`, `struct`, `interface`, `trait`, `enum`, `type`, `module`, …), a Go method's receiver, a
 * JavaScript binding of a function (`const name = (…) =>`), a method whose line opens its body
 * (`name(args) {`), or a C-family declaration (types before the name, then a parameter list and what
 * may end a declaration's line). Lines that only call or mention the name (a statement, a condition, a
 * local `let`, prose in a comment) are not definitions. The same forms, for any name, tell the line a
 * description's result is shown from (query-matches.ts, definesAName).
 */

import { matched } from './bm25';
import { topOfScores } from './top-k';

/**
 * A name, qualified or not (`.`, `::`, `->`, `#` or `\` between parts), its last part perhaps ending in
 * Ruby's `?` or `!`; as a query (SYMBOL_QUERY) with an optional `()`, and perhaps after the kind of
 * definition looked for, as people type it (`class Router`, `fn parse`, `def urlsplit`).
 */
export const SYMBOL_NAME = String.raw`[A-Za-z_$][\w$]*(?:(?:\.|::|->|#|\\)[A-Za-z_$][\w$]*)*[?!]?`;
const SYMBOL_QUERY = new RegExp(String.raw`^(?:(?:def|class|fn|func|function|struct|enum|trait|interface|type|module|macro)\s+)?(${SYMBOL_NAME})(?:\(\))?$`);
const QUALIFIER = /\.|::|->|#|\\/;

/** A qualified name's last part: `Router.ServeHTTP` is `ServeHTTP`, `Vec::with_capacity` is `with_capacity`. */
export const lastPartOf = (name: string): string => name.split(QUALIFIER).at(-1)!;

/**
 * What people put around a name to ask for its definition, as an editor's "go to definition": "where is
 * parseDate defined", "definition of Router", "go to the definition of urlsplit", "where do we declare
 * CodeGen", "Router.ServeHTTP implementation". Taken off before the name is read.
 */
const DEFINITION_FRAMES: readonly RegExp[] = [
  /^where\s+(?:is|are)\s+(\S+)\s+(?:defined|declared|implemented)$/i,
  /^where\s+(?:do|does)\s+(?:\w+\s+){1,2}(?:define|declare|implement)\s+(\S+)$/i,
  /^(?:(?:go|jump)\s+to\s+|find\s+|show\s+(?:me\s+)?)?(?:the\s+)?(?:definition|declaration|implementation|source)\s+of\s+(\S+)$/i,
  /^(\S+)\s+(?:definition|declaration|implementation)$/i,
  // asked what it is or does: "what does parseDate do", "what is CodeGen", "how does Router work", "how is urlsplit implemented"
  /^what\s+(?:does|do)\s+(\S+)\s+do$/i,
  /^what\s+(?:is|are)\s+(\S+)$/i,
  /^how\s+(?:does|do)\s+(\S+)\s+work$/i,
  /^how\s+(?:is|are)\s+(\S+)\s+implemented$/i,
];

/** The symbol a query names (its last part), or undefined for a query that is not one name, bare or in a frame that asks for its definition. */
export function symbolOfQuery(query: string): string | undefined {
  const text = query.trim();
  const asked = text.replace(/[?.!]+$/, '');
  const name = SYMBOL_QUERY.test(text) ? text : DEFINITION_FRAMES.map((frame) => frame.exec(asked)?.[1]).find((framed) => framed !== undefined);
  const symbol = name === undefined ? undefined : SYMBOL_QUERY.exec(name.replace(/^`(.*)`$/, '$1'))?.[1];
  return symbol === undefined ? undefined : lastPartOf(symbol);
}

/** `name` as a pattern that matches it alone (a symbol's characters: `$` and Ruby's `?` need escapes). */
const asPattern = (name: string): string => name.replace(/[$?]/g, '\\$&');

const DEFINING_KEYWORDS = 'def|class|fn|func|function\\*?|struct|enum|trait|interface|type|typedef|module|mod|record|object|union|namespace|protocol|sub|macro_rules!|fun|val|var|const';
/** Words that can stand before a call on its line, which a C-family declaration's types cannot be. */
const STATEMENT_WORDS = 'return|await|new|throw|yield|else|case|not|and|or|if|elif|while|for|in|of|echo|print|puts|go|defer|raise|assert|del|with|lambda|typeof|delete|goto|sizeof|do|try|catch|unless|until|when|then|match|switch|range|select';

/**
 * What follows a C-family declaration's name to the end of its line: a parameter list closed on the line
 * with only qualifiers, a return type, an initializer list or the body after it (prose that mentions
 * `name()` goes on in words), or a list left open for the next lines.
 */
const C_PARAMETERS_TO_END =
  '(?:[^;{\\n]*\\)(?:[ \\t]*(?:const|noexcept|override|final|volatile))*[ \\t]*(?:throws[\\w., \\t]*|->[\\w:<>,.*& \\t]*)?(?:[{:][^\\n]*)?|[^()\\n]*,[ \\t]*|[ \\t]*)$';

/**
 * The pattern of a line that defines a name matched by the pattern `n`. Every part stays on its line (no class that crosses a
 * newline) and at most one part of a line is searched backwards from its end, so that a long line, or a
 * chunk of many, costs time in proportion to its length.
 */
function definitionPattern(n: string): RegExp {
  const modifiers = `(?:(?!(?:${STATEMENT_WORDS})(?![\\w$]))[\\w@$]+(?:\\([\\w, ]*\\))?[ \\t]+)*?`; // `pub(crate) `, `export default `, `@inline `
  return new RegExp(
    '^[ \\t]*(?:' +
      [
        `${modifiers}(?:${DEFINING_KEYWORDS})[ \\t]+[*&]?(?:self\\.)?${n}(?![\\w$])`,
        `func[ \\t]*\\([^)\\n]*\\)[ \\t]*${n}(?![\\w$])`,
        `#[ \\t]*define[ \\t]+${n}(?![\\w$])`,
        `${modifiers}${n}[ \\t]*[:=][ \\t]*(?:async[ \\t]+)?(?:function(?![\\w$])|lambda(?![\\w$])|\\([^)\\n]*\\)[ \\t]*(?::[^=\\n]*)?=>|[\\w$]+[ \\t]*=>)`,
        `${modifiers}${n}[ \\t]*(?:<[^>\\n]*>)?[ \\t]*\\((?![^;\\n]*;)[^\\n]*\\)[^()\\n]*\\{[ \\t]*$`,
        `(?!(?:${STATEMENT_WORDS})(?![\\w$]))[A-Za-z_$][\\w$<>\\[\\],.*&:~?]*(?:[ \\t]+[\\w$<>\\[\\],.*&:~?]+)*[ \\t]+[*&]*(?:[\\w$]+::)*${n}[ \\t]*\\(${C_PARAMETERS_TO_END}`,
      ].join('|') +
      ')',
    'm',
  );
}

/**
 * How many of BM25's first chunks for a query that names a symbol are read for its definition: a
 * definition holds the name, so it is among them. A split index fetches their records (4 chunks a file)
 * to read them. Chosen on the validation symbol queries (hybrid chunk MRR@10: 0.977 at 10, 0.984 at 20,
 * 0.993 at 50).
 */
const SYMBOL_CANDIDATES = 20;

/** For a query that names a symbol, the name and the chunks to read for its definition (BM25's first SYMBOL_CANDIDATES); undefined for any other query. */
export function definitionCandidates(query: string, lexicalScores: Float32Array): { readonly name: string; readonly ids: readonly number[] } | undefined {
  const name = symbolOfQuery(query);
  return name === undefined ? undefined : { name, ids: topOfScores(lexicalScores, SYMBOL_CANDIDATES, matched).map(({ id }) => id) };
}

/** The index of the first of `lines` that defines `name`, -1 when none does. */
export function definitionLine(name: string, lines: readonly string[]): number {
  const pattern = definitionPattern(asPattern(name));
  return lines.findIndex((line) => line.includes(name) && pattern.test(line));
}

/** Words whose line reads as a definition's (`if (x) {`, `catch (e) {`) but that name nothing. */
const CONTROL_WORDS = 'if|elif|else|while|for|foreach|switch|catch|return|sizeof|typeof|with|match|unless|until|do|try';
const ANY_DEFINITION = definitionPattern(`(?!(?:${CONTROL_WORDS})(?![\\w$]))[A-Za-z_$][\\w$]*`);

/** Whether `line` defines a name (a function, a method, a type, …), in the forms definitionLine knows. */
export const definesAName = (line: string): boolean => ANY_DEFINITION.test(line);

/** Which of `chunks` (an id, and the text when the index keeps texts) define `name`. */
export function definingChunks(name: string, chunks: readonly { readonly id: number; readonly text?: string }[]): Set<number> {
  const pattern = definitionPattern(asPattern(name));
  return new Set(chunks.filter(({ text }) => text !== undefined && text.includes(name) && pattern.test(text)).map(({ id }) => id));
}
