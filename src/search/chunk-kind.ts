/**
 * Which chunks of code are mostly prose: at least half of their non-blank lines are comments (doc
 * comments, block comments, Python docstrings) in their file's language. Such a chunk describes what
 * code does, often at length and in the words a user types, while the code that does it is elsewhere:
 * clap's builder methods carry pages of documentation over a line of code, and outranked the parser
 * that implements what a query asks about. Hybrid search lists them after code that stands as high
 * (fusion.ts's PROSE_CHUNK_DEMOTION), as it lists tests and documents after code (file-kind.ts).
 */
import { supportingFiles } from './file-kind';
import type { DemotedKind } from './fusion';

/** Languages whose comments start with `//` or `/*` (continued by `*`), by corpus.ts's names. */
const SLASH_COMMENTS = new Set(['javascript', 'typescript', 'go', 'rust', 'java', 'kotlin', 'scala', 'swift', 'c', 'cpp', 'csharp', 'php', 'dart', 'wgsl', 'glsl', 'zig']);
/** Languages whose comments start with `#`. */
const HASH_COMMENTS = new Set(['python', 'ruby', 'shell', 'r', 'julia', 'elixir', 'php']);
/** Languages whose comments start with `--`. */
const DASH_COMMENTS = new Set(['sql', 'lua', 'haskell']);
/** `//`, `/*`, or a block comment's `*` (then a space, `/` or the end: `*ptr = 0` is code). */
const SLASH_LINE = /^(?:\/\/|\/\*|\*(?:\s|\/|$))/;
const DOCSTRING_QUOTES = /^[rRbBuU]?("""|''')/;

/**
 * For each of `text`'s lines, whether it is blank (undefined), a comment in `language` (true: doc and
 * block comments, Python docstrings) or code (false); a language without rules here has no comments.
 */
export function commentLines(text: string, language: string): (boolean | undefined)[] {
  const slash = SLASH_COMMENTS.has(language);
  const hash = HASH_COMMENTS.has(language);
  const dash = DASH_COMMENTS.has(language);
  let docstring: string | undefined;
  return text.split('\n').map((raw) => {
    const line = raw.trim();
    if (line === '') return undefined;
    if (docstring) {
      if (line.includes(docstring)) docstring = undefined;
      return true;
    }
    const quotes = language === 'python' ? DOCSTRING_QUOTES.exec(line)?.[1] : undefined;
    if (quotes) {
      if (!line.slice(line.indexOf(quotes) + 3).includes(quotes)) docstring = quotes;
      return true;
    }
    return (slash && SLASH_LINE.test(line)) || (hash && line.startsWith('#')) || (dash && line.startsWith('--'));
  });
}

/** The share of `text`'s non-blank lines that are comments in `language` (0 for a language without rules here). */
export function commentShare(text: string, language: string): number {
  const lines = commentLines(text, language).filter((kind) => kind !== undefined);
  return lines.length === 0 ? 0 : lines.filter(Boolean).length / lines.length;
}

/** `text` without its comment lines in `language` (blank lines kept): the code, and the strings it holds. */
export function codeOf(text: string, language: string): string {
  const comments = commentLines(text, language);
  return text
    .split('\n')
    .filter((_, i) => comments[i] !== true)
    .join('\n');
}

/** Whether a chunk of `language` is mostly prose: comments are at least half of its non-blank lines. */
export const isProseChunk = (text: string, language: string): boolean => commentShare(text, language) >= 0.5;

/**
 * Why each chunk of an index ranks after code in hybrid search, if it does: it belongs to a supporting
 * file (file-kind.ts), or, with the chunks' texts at hand, it is code that is mostly prose. In an index of
 * a site's pages (`c2llm index --html`) the pages are what is searched, wherever they sit: a page under
 * `docs/` is never demoted as documentation.
 */
export function chunkKinds(data: {
  readonly chunks: readonly { readonly file: number }[];
  readonly files: readonly { readonly path: string; readonly language: string }[];
  readonly texts?: readonly string[];
  readonly chunker?: { readonly htmlPages?: true };
}): (DemotedKind | undefined)[] {
  const pages = data.chunker?.htmlPages === true;
  const supporting = supportingFiles(data.files.map((f) => f.path)).map((s, i) => s && !(pages && data.files[i].language === 'html'));
  const texts = data.texts;
  return data.chunks.map(({ file }, id) => (supporting[file] ? 'supporting' : texts && isProseChunk(texts[id], data.files[file].language) ? 'prose' : undefined));
}
