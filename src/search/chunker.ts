/**
 * Splits a source file into the pieces a person wants as search results: whole top-level functions
 * and classes where the language's shape allows (indentation for Python, brace depth for C-family
 * languages), Markdown's sections (a heading and what follows it, headings inside fenced code not
 * counted; each chunk knows the path of headings it sits under, its `context`), a Jupyter notebook's code
 * cells as Python (notebook.ts), small neighbours merged, oversized ones cut into overlapping line windows;
 * other files become overlapping line windows. Line
 * numbers are 1-based and inclusive.
 */
import { languageOf } from './corpus';
import { isNotebook, notebookLines } from './notebook';

export interface Chunk {
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
  /** Markdown: the headings the chunk sits under, outermost first, joined by " > " (not in `text`). */
  readonly context?: string;
  /** An HTML page's: the id of the nearest heading at or above the chunk (html-page.ts), for its link. */
  readonly anchor?: string;
}

/** What the model embeds and BM25 reads of a chunk: its context line, if any, then its text. */
export function searchedText(chunk: Chunk): string {
  return chunk.context ? `${chunk.context}\n${chunk.text}` : chunk.text;
}

export interface ChunkOptions {
  /** A chunk longer than this is cut into windows. */
  readonly maxLines?: number;
  /** Adjacent small pieces are merged while the result stays within this. */
  readonly mergeLines?: number;
  /** Overlap between consecutive windows. */
  readonly overlapLines?: number;
}

/** Languages (corpus.ts's names) cut at top-level braces, at indentation, and at Markdown's headings. */
const BRACE_LANGUAGES = new Set([
  'javascript', 'typescript', 'go', 'rust', 'java', 'kotlin', 'scala', 'swift', 'c', 'cpp', 'objective-c', 'csharp', 'php', 'dart',
  'wgsl', 'glsl', 'zig', 'groovy', 'perl', 'powershell', 'solidity', 'protobuf', 'hcl',
]);
const INDENT_LANGUAGES = new Set(['python', 'starlark']);
const HEADING_LANGUAGES = new Set(['markdown']);

type Span = [start: number, end: number];

/** Top-level spans of a brace language: a span ends where brace depth returns to zero. */
function braceSpans(lines: readonly string[]): Span[] {
  const spans: Span[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const code = lines[i].replace(/\/\/.*$/, '').replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`/g, '""');
    if (start < 0 && lines[i].trim() !== '') start = i;
    for (const ch of code) {
      if (ch === '{') depth++;
      else if (ch === '}') depth = Math.max(0, depth - 1);
    }
    const statementEnds = depth === 0 && start >= 0 && (/[};]\s*$/.test(code) || lines[i + 1]?.trim() === '');
    if (statementEnds) {
      spans.push([start, i]);
      start = -1;
    }
  }
  if (start >= 0) spans.push([start, lines.length - 1]);
  return spans;
}

/** Top-level spans of Python: a new span starts at each non-indented line that is not a continuation. */
function indentSpans(lines: readonly string[]): Span[] {
  const spans: Span[] = [];
  let start = -1;
  let decorators = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const topLevel = line.trim() !== '' && !/^\s/.test(line) && !/^[)\]}]/.test(line);
    if (topLevel && !decorators) {
      if (start >= 0) spans.push([start, lastNonBlank(lines, start, i - 1)]);
      start = i;
    }
    if (topLevel) decorators = line.startsWith('@');
  }
  if (start >= 0) spans.push([start, lastNonBlank(lines, start, lines.length - 1)]);
  return spans;
}

const ATX_HEADING = /^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;

interface Heading {
  readonly line: number;
  readonly level: number;
  readonly title: string;
}

/** Markdown's ATX headings (`#` to `######`) outside fenced code: line, level and title. */
function headings(lines: readonly string[]): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  lines.forEach((line, i) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) fence = fence ? undefined : marker.slice(0, 3);
    else if (!fence) {
      const heading = ATX_HEADING.exec(line);
      if (heading) out.push({ line: i, level: heading[1].length, title: (heading[2] ?? '').trim() });
    }
  });
  return out;
}

/** Sections of Markdown: a new span starts at each heading. */
function headingSpans(lines: readonly string[], all: readonly Heading[]): Span[] {
  const starts = [0, ...all.map((h) => h.line).filter((line) => line > 0)];
  return starts.map((start, i) => [start, lastNonBlank(lines, start, (starts[i + 1] ?? lines.length) - 1)]);
}

/**
 * Each span's heading path: the titles of the headings above its first line that enclose it (a heading's
 * own title is in its text, so a span that starts at a heading gets its ancestors only).
 */
function headingContexts(all: readonly Heading[], spans: readonly Span[]): (string | undefined)[] {
  return spans.map(([start]) => {
    const stack: { level: number; title: string }[] = [];
    for (const h of all) {
      if (h.line >= start) break;
      while (stack.length && stack.at(-1)!.level >= h.level) stack.pop();
      stack.push(h);
    }
    const own = all.find((h) => h.line === start);
    const path = stack.filter((h) => !own || h.level < own.level).map((h) => h.title).filter(Boolean);
    return path.length ? path.join(' > ') : undefined;
  });
}

function lastNonBlank(lines: readonly string[], from: number, to: number): number {
  while (to > from && lines[to].trim() === '') to--;
  return to;
}

function windows(span: Span, maxLines: number, overlap: number): Span[] {
  const [start, end] = span;
  if (end - start + 1 <= maxLines) return [span];
  const out: Span[] = [];
  const step = Math.max(1, maxLines - overlap);
  for (let s = start; s <= end; s += step) {
    out.push([s, Math.min(end, s + maxLines - 1)]);
    if (s + maxLines - 1 >= end) break;
  }
  return out;
}

function merge(spans: readonly Span[], mergeLines: number): Span[] {
  const out: Span[] = [];
  for (const span of spans) {
    const last = out.at(-1);
    if (last && span[1] - last[0] + 1 <= mergeLines) last[1] = span[1];
    else out.push([span[0], span[1]]);
  }
  return out;
}

/** Bumped whenever the same file and options could give other chunks; index files record it. */
export const CHUNKER_VERSION = 3;
export const DEFAULT_CHUNK_OPTIONS = { maxLines: 60, mergeLines: 20, overlapLines: 10 } as const;
/** What an index records of its chunker when files are cut as above (index-file.ts's ChunkerSettings). */
export const DEFAULT_CHUNKER = { version: CHUNKER_VERSION, ...DEFAULT_CHUNK_OPTIONS } as const;

export function chunkFile(path: string, content: string, options: ChunkOptions = {}): Chunk[] {
  const lines = (isNotebook(path) && notebookLines(content)) || linesOf(content);
  return chunkLines(languageOf(path), lines, options);
}

/** `content` chunked as Markdown, whatever its file is called (an HTML page's text, html-page.ts). */
export function chunkMarkdown(content: string, options: ChunkOptions = {}): Chunk[] {
  return chunkLines('markdown', linesOf(content), options);
}

/** A file's lines (CRLF and CR ending lines as LF does), without the empty one after a final newline. */
function linesOf(content: string): string[] {
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function chunkLines(language: string, lines: readonly string[], options: ChunkOptions): Chunk[] {
  const maxLines = options.maxLines ?? DEFAULT_CHUNK_OPTIONS.maxLines;
  const mergeLines = options.mergeLines ?? DEFAULT_CHUNK_OPTIONS.mergeLines;
  const overlap = options.overlapLines ?? DEFAULT_CHUNK_OPTIONS.overlapLines;
  if (lines.every((l) => l.trim() === '')) return [];
  const markdown = HEADING_LANGUAGES.has(language) ? headings(lines) : undefined;
  const structural = BRACE_LANGUAGES.has(language) ? braceSpans(lines) : INDENT_LANGUAGES.has(language) ? indentSpans(lines) : markdown ? headingSpans(lines, markdown) : [[0, lines.length - 1] as Span];
  const spans = merge(structural, mergeLines).flatMap((span) => windows(span, maxLines, overlap));
  const contexts = markdown ? headingContexts(markdown, spans) : [];
  return spans
    .map(([s, e], i) => ({ startLine: s + 1, endLine: e + 1, text: lines.slice(s, e + 1).join('\n'), ...(contexts[i] ? { context: contexts[i] } : {}) }))
    .filter((c) => c.text.trim() !== '');
}
