/**
 * Which chunks of code are mostly prose: at least half of their non-blank lines are comments (doc
 * comments, block comments, Python docstrings) in their file's language. Such a chunk describes what
 * code does, often at length and in the words a user types, while the code that does it is elsewhere:
 * clap's builder methods carry pages of documentation over a line of code, and outranked the parser
 * that implements what a query asks about. Hybrid search lists them after code that stands as high
 * (fusion.ts's PROSE_CHUNK_DEMOTION), as it lists tests and documents after code (file-kind.ts).
 *
 * And which are mostly data: at least half of their lines of code (of DATA_MIN_LINES or more) are items
 * of a list or table written out, literals and the commas between them (`'ABS', 'ACOS',`, `"json":
 * "application/json",`, `0x1f, 0x8b,`). Tables of keywords, names or codes hold every word of their
 * domain, so a query's words find them by chance: Pygments' lexers keep their languages' builtins in
 * such lists, and one outranked the function that finds a lexer by file name (DATA_CHUNK_DEMOTION).
 */
import type { ChunkTexts } from './chunk-texts';
import { GENERATED_HEADER_LINES, isGenerated, supportingFiles } from './file-kind';
import type { DemotedKind } from './fusion';
import { chunksByFile } from './index-file';

/** Languages whose comments start with `//` or `/*` (continued by `*`), by corpus.ts's names. */
const SLASH_COMMENTS = new Set([
  'javascript', 'typescript', 'go', 'rust', 'java', 'kotlin', 'scala', 'swift', 'c', 'cpp', 'objective-c', 'csharp', 'php', 'dart', 'wgsl',
  'glsl', 'zig', 'groovy', 'solidity', 'protobuf', 'hcl',
]);
/** Languages whose comments start with `#`. */
const HASH_COMMENTS = new Set([
  'python', 'ruby', 'shell', 'r', 'julia', 'elixir', 'php', 'perl', 'powershell', 'hcl', 'graphql', 'nix', 'starlark', 'make', 'cmake', 'dockerfile',
]);
/** Languages whose comments start with `--`. */
const DASH_COMMENTS = new Set(['sql', 'lua', 'haskell']);
/** `//`, `/*`, or a block comment's `*` (then a space, `/` or the end: `*ptr = 0` is code). */
const SLASH_LINE = /^(?:\/\/|\/\*|\*(?:\s|\/|$))/;
const DOCSTRING_QUOTES = /^[rRbBuU]?("""|''')/;
/** A block comment: how it begins, at a line's beginning once trimmed, and ends. */
interface BlockComment {
  readonly start: string;
  readonly end: string;
  /** Where one begins only at a line's very first character, the lines that begin it (matched untrimmed, `m`: any line of a text) instead of `start`. */
  readonly opens?: RegExp;
}
/** The block comments of the languages that have them (besides Python's docstrings). */
const BLOCK_COMMENTS: ReadonlyMap<string, BlockComment> = new Map([
  ...[...SLASH_COMMENTS, 'sql'].map((language) => [language, { start: '/*', end: '*/' }] as const),
  ['lua', { start: '--[[', end: ']]' }],
  ['haskell', { start: '{-', end: '-}' }],
  ['ruby', { start: '=begin', end: '=end' }],
  ['powershell', { start: '<#', end: '#>' }],
  // Perl's documentation (POD): from a line that begins with `=` and a word (`=head1`, `=pod`, `=item`) to `=cut`.
  ['perl', { start: '=', end: '=cut', opens: /^=(?!cut\b)[A-Za-z]/m }],
]);

/** Every way a comment that a chunk begins inside may end (ChunkReading.openAt): a block comment's, a Python docstring's quotes. */
export const COMMENT_ENDS: ReadonlySet<string> = new Set(['"""', "'''", ...[...BLOCK_COMMENTS.values()].map((block) => block.end)]);

/**
 * For each of `text`'s lines, whether it is blank (undefined), a comment in `language` (true: doc and
 * block comments, Python docstrings) or code (false); a language without rules here has no comments.
 * `open`: how the comment `text` begins inside ends, if it does (ChunkReading.openAt).
 */
export function commentLines(text: string, language: string, open?: string): (boolean | undefined)[] {
  return readComments(text.split('\n'), language, open).comments;
}

/** The comment a line of `language` begins (`line` trimmed, `raw` as written), by how it starts and ends: a block comment (BLOCK_COMMENTS), a Python docstring. */
function commentBegun(line: string, raw: string, language: string): BlockComment | undefined {
  const quotes = language === 'python' ? DOCSTRING_QUOTES.exec(line)?.[1] : undefined;
  if (quotes) return { start: quotes, end: quotes };
  const block = BLOCK_COMMENTS.get(language);
  return block && (block.opens ? block.opens.test(raw) : line.startsWith(block.start)) ? block : undefined;
}

/** commentLines over `lines`, and how the comment still open after them ends. */
function readComments(lines: readonly string[], language: string, open: string | undefined): { comments: (boolean | undefined)[]; open: string | undefined } {
  const slash = SLASH_COMMENTS.has(language);
  const hash = HASH_COMMENTS.has(language);
  const dash = DASH_COMMENTS.has(language);
  let inside = language === 'python' || BLOCK_COMMENTS.has(language) ? open : undefined;
  const comments = lines.map((raw) => {
    const line = raw.trim();
    if (line === '') return undefined;
    if (inside) {
      if (line.includes(inside)) inside = undefined;
      return true;
    }
    const begun = commentBegun(line, raw, language);
    if (begun) {
      if (!line.slice(line.indexOf(begun.start) + begun.start.length).includes(begun.end)) inside = begun.end;
      return true;
    }
    return (slash && SLASH_LINE.test(line)) || (hash && line.startsWith('#')) || (dash && line.startsWith('--'));
  });
  return { comments, open: inside };
}

/** Whether `text` of `language` may begin a comment that runs on past a line (it holds how one begins): else none it leaves open. */
function mayBeginComment(text: string, language: string): boolean {
  const block = BLOCK_COMMENTS.get(language);
  return language === 'python' ? text.includes('"""') || text.includes("'''") : block !== undefined && (block.opens ? block.opens.test(text) : text.includes(block.start));
}

/** The share of `flags` that are true (0 of none). */
const shareOf = (flags: readonly boolean[]): number => (flags.length === 0 ? 0 : flags.filter(Boolean).length / flags.length);

/** The share of a chunk's lines that makes it prose (of its non-blank lines, comments) or data (of its lines of code, items of a list or table). */
const MOSTLY = 0.5;

/** `text` without its comment lines in `language` (blank lines kept): the code, and the strings it holds. */
export function codeOf(text: string, language: string): string {
  const comments = commentLines(text, language);
  return text
    .split('\n')
    .filter((_, i) => comments[i] !== true)
    .join('\n');
}

/** The fewest lines of code a chunk of data has: a short list (`'use strict'`, three release types) is part of its code. */
export const DATA_MIN_LINES = 10;
/**
 * The pieces a line of items is made of, read from where the last one ended (sticky): blanks; a quoted
 * string on one line (with Python's prefixes), a number, a boolean or null (`literal`); the brackets,
 * commas, colons and arrows between them (`separator`). A line that holds anything else is not data,
 * and reading stops there: a quote left open ends the line's reading at once, so that no line is read
 * more than once (a global pattern tried from each quote of a long hostile line took seconds).
 */
const ITEM_PIECES =
  /(?<blank>\s+)|(?<literal>[rRbBuUfF]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|-?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?)[a-zA-Z]*(?!\w)|(?:true|false|null|None|nil|True|False)(?!\w))|(?<separator>=>|->|[,;:[\](){}])/y;
/** The separators that may follow an item's comma at a line's end. */
const CLOSING = new Set([')', ']', '}', ';']);

/** Whether a line of code (trimmed) is items of a list or table: literals and what stands between them, ending in a comma (a string alone, as an import or a message's continuation is, is not). */
function isDataLine(line: string): boolean {
  let literals = 0;
  let last = '';
  ITEM_PIECES.lastIndex = 0;
  while (ITEM_PIECES.lastIndex < line.length) {
    const piece = ITEM_PIECES.exec(line)?.groups;
    if (!piece) return false;
    if (piece.literal !== undefined) [literals, last] = [literals + 1, 'literal'];
    else if (piece.separator !== undefined && !CLOSING.has(piece.separator)) last = piece.separator;
  }
  return literals > 0 && last === ',';
}

/**
 * What a chunk of `language` (beginning inside a comment that ends so, if `open`) mostly is when it is not
 * code: 'prose' where comments are at least half of its non-blank lines, else 'data' where items of a list
 * or table are at least half of its DATA_MIN_LINES or more lines of code; undefined for code.
 */
export function contentKind(text: string, language: string, open?: string): 'prose' | 'data' | undefined {
  const lines = text.split('\n');
  const comments = readComments(lines, language, open).comments;
  if (shareOf(comments.filter((kind) => kind !== undefined)) >= MOSTLY) return 'prose';
  const code = lines.filter((_, i) => comments[i] === false);
  return code.length >= DATA_MIN_LINES && shareOf(code.map((line) => isDataLine(line.trim()))) >= MOSTLY ? 'data' : undefined;
}

/** What ChunkReading reads of an index. */
export interface IndexChunks {
  readonly chunks: readonly { readonly file: number; readonly startLine: number; readonly endLine: number }[];
  readonly files: readonly { readonly path: string; readonly language: string }[];
  readonly texts?: ChunkTexts;
  readonly chunker?: { readonly htmlPages?: true };
}

/** Not read yet (ChunkReading's memo). */
const UNREAD = null;

/**
 * What an index's chunks are, each read when first asked for and once: an index's first query reads only
 * its candidates' (reading all of 100k chunks took 0.4 s).
 *
 * `openAt`: how the comment a chunk begins inside ends, if it does (a block comment's star and slash, a
 * Python docstring's quotes), which a chunk's text alone cannot tell: read alone, the comment's rest looks
 * like code (Go's package documentation in one `/*` block, a docstring's second half), and a docstring's
 * closing quotes open one over the code after them. Read from the chunk before it in its file: chunks
 * overlap, abut, or leave blank lines between them (chunker.ts cuts at blank lines and keeps every other
 * line), and a file's first chunk begins outside any comment.
 *
 * `kindOf`: why a chunk ranks after code in hybrid search, if it does: it belongs to a supporting file
 * (file-kind.ts; generated code known from its file's first lines), or, with the chunks' texts at hand, it is code that is mostly prose or mostly data. In an index of a
 * site's pages (`c2llm index --html`) the pages are what is searched, wherever they sit: a page under
 * `docs/` is never demoted as documentation.
 */
export class ChunkReading {
  private readonly supporting: readonly boolean[];
  /** Each file's verdict of isGenerated, read from its chunks that begin within its header lines when first asked for. */
  private readonly generated: (boolean | typeof UNREAD)[];
  private readonly open: (string | undefined | typeof UNREAD)[];
  private readonly kinds: (DemotedKind | undefined | typeof UNREAD)[];
  /** Each chunk's predecessor in its file (-1 for a file's first), made on the first comment read. */
  private before: Int32Array | undefined;
  private filesChunks: readonly (readonly number[])[] | undefined;

  constructor(private readonly data: IndexChunks) {
    const pages = data.chunker?.htmlPages === true;
    this.supporting = supportingFiles(data.files.map((f) => f.path)).map((s, i) => s && !(pages && data.files[i].language === 'html'));
    this.generated = new Array(data.files.length).fill(UNREAD);
    this.open = new Array(data.chunks.length).fill(UNREAD);
    this.kinds = new Array(data.chunks.length).fill(UNREAD);
  }

  openAt(id: number): string | undefined {
    const { texts, chunks } = this.data;
    const language = this.languageOf(id);
    if (!texts || (language !== 'python' && !BLOCK_COMMENTS.has(language))) return undefined;
    const before = (this.before ??= predecessors(this.byFile, chunks.length));
    // Back to a chunk read or a file's first, then forward, each from the one before it.
    const unread: number[] = [];
    for (let at = id; at >= 0 && this.open[at] === UNREAD; at = before[at]) unread.push(at);
    for (const at of unread.reverse()) {
      const previous = before[at];
      const entering = previous < 0 ? undefined : this.open[previous] ?? undefined;
      this.open[at] =
        previous < 0 || (entering === undefined && !mayBeginComment(texts.at(previous), language))
          ? undefined
          : readComments(texts.at(previous).split('\n').slice(0, chunks[at].startLine - chunks[previous].startLine), language, entering).open;
    }
    return this.open[id] ?? undefined;
  }

  /** Each file's chunk ids (by place in the index's files), in the order they begin in the file; made when first asked for. */
  get byFile(): readonly (readonly number[])[] {
    return (this.filesChunks ??= chunksByFile(this.data));
  }

  kindOf(id: number): DemotedKind | undefined {
    const known = this.kinds[id];
    if (known !== UNREAD) return known;
    const file = this.data.chunks[id].file;
    const texts = this.data.texts;
    const kind = this.supporting[file] || (texts && this.isGeneratedFile(file)) ? 'supporting' : texts ? contentKind(texts.at(id), this.languageOf(id), this.openAt(id)) : undefined;
    this.kinds[id] = kind;
    return kind;
  }

  /** Whether file `file` (by place in the index's files) says a tool generated it, read from the texts of its chunks that begin within its header lines. */
  private isGeneratedFile(file: number): boolean {
    const known = this.generated[file];
    if (known !== UNREAD) return known;
    const { chunks, texts } = this.data;
    const header = this.byFile[file].filter((id) => chunks[id].startLine <= GENERATED_HEADER_LINES);
    return (this.generated[file] = texts !== undefined && header.some((id) => isGenerated(texts.at(id), chunks[id].startLine)));
  }

  private languageOf(id: number): string {
    return this.data.files[this.data.chunks[id].file].language;
  }
}

/** Each chunk's predecessor in its file, the chunk that begins before it (-1 for a file's first). */
function predecessors(byFile: readonly (readonly number[])[], chunkCount: number): Int32Array {
  const before = new Int32Array(chunkCount).fill(-1);
  for (const ids of byFile) {
    for (let i = 1; i < ids.length; i++) before[ids[i]] = ids[i - 1];
  }
  return before;
}
