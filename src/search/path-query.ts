/**
 * Queries that name a file, and those that name a place in one as tools print it. A file's name or the
 * end of its path (`mux.go`, `languages/__init__.py`, `Logger.php`) is typed to open it: BM25 reads the
 * path's words like any others, so a file whose code says "tree" often outranks `tree.go` itself. A place
 * is pasted from a compiler, a linter, grep or a stack trace (`src/mux.go:120:5`, `tree.ts(12,5): error
 * …`, `File "/home/me/app/config.py", line 42, in load`, `at parse (/srv/app/src/date.js:42:13)`, a
 * whole traceback), shared as a link to the repository's web view (`…/blob/main/src/mux.go#L120`, or
 * its `src/mux.go#L120` alone), or typed (`mux.go line 120`, `line 120 of mux.go`):
 * the chunk that holds the line is what is wanted, and its path may begin above the indexed folder. Hybrid lists the chunks that hold the line first, then the rest of the files so named
 * (fusion.ts's LINE_PROMOTION, FILE_NAME_PROMOTION). Paths are matched without regard to case, on whole
 * folder names.
 */

import type { Promoted } from './ranking';

/**
 * Whether `text` is one token holding a '.' or a '/', as a file's name or path is (and a qualified name,
 * which names no file); two tests, not one pattern, which would read a long text of many dots once for each.
 */
const isPathLike = (text: string): boolean => !/\s/.test(text) && /[./]/.test(text);

/** A path in a place as tools print it: a Windows drive allowed, then no space, colon, bracket or quote. */
const PLACE_PATH = String.raw`(?:file:\/\/)?(?<path>(?:[A-Za-z]:)?[^\s:()"'\x60]+)`;
/**
 * A path as a person types it beside a line number: a file's name or path (a '.' or '/' in it, checked
 * ahead so that a long token is read once, not once for each dot), no comma.
 */
const TYPED_PATH = String.raw`(?=[^\s,:()"'\x60]*[./])(?<path>[^\s,:()"'\x60]+)`;

/** One line of what tools print that names a place, with its path and line. */
const PLACE_FORMS: readonly RegExp[] = [
  // compilers, linters, grep -n, Go and Rust panics: `src/a.rs:12`, `src/a.rs:12:5: error …`, `--> src/main.rs:10:5`, `app/user.rb:42:in 'save'`, `main.go:123 +0x1d`
  new RegExp(String.raw`^(?:-->\s*|at\s+)?${PLACE_PATH}:(?<line>\d+)(?::\d+)?(?:[:\s].*)?$`),
  // tsc and MSVC: `src/a.ts(12,5): error TS2322 …`
  new RegExp(String.raw`^${PLACE_PATH}\((?<line>\d+)(?:,\s*\d+)?\)(?:[:\s].*)?$`),
  // a Python traceback's frame: `File "app/config.py", line 42, in load`
  /^File\s+"(?<path>[^"]+)",\s+line\s+(?<line>\d+)/,
  // a JavaScript or Java stack frame: `at parse (src/date.js:42:13)`, `at com.x.Y.run(Y.java:42)`
  new RegExp(String.raw`^at\s+\S+?\s*\(${PLACE_PATH}:(?<line>\d+)(?::\d+)?\)$`),
  // a web view's line fragment without its link: `src/mux.go#L120`, `src/mux.go#L120-L130`
  new RegExp(String.raw`^${TYPED_PATH}#L(?<line>\d+)(?:-L?\d+)?$`),
  // typed: `mux.go line 120`, `src/mux.go, line 120`, `line 120 of mux.go`, `line 120 in src/mux.go`
  new RegExp(String.raw`^${TYPED_PATH},?\s+line\s+(?<line>\d+)$`, 'i'),
  new RegExp(String.raw`^line\s+(?<line>\d+)\s+(?:of|in)\s+${TYPED_PATH}$`, 'i'),
];

/** A place a query names: the end of a file's path (asIndexPath's form, lower-cased) and, when given, a line. */
export interface QueryPlace {
  readonly path: string;
  readonly line?: number;
  /** Whether the path may begin above the indexed folder: printed by a tool, or typed from the root ('/', 'C:', '~'). */
  readonly rooted?: boolean;
}

/**
 * A path as a user types it, in the form an index holds paths: trimmed, '/' for '\\' (Windows), without a
 * leading './' or '/' (paths are relative to the indexed folder). A query's file name and a filter's
 * folder are both read so.
 */
export const asIndexPath = (typed: string): string => typed.trim().replaceAll('\\', '/').replace(/^(?:\.?\/)+/, '');

/**
 * A link to a file in a repository's web view, as people share one: GitHub's and Gitea's
 * `https://host/owner/repo/blob/<ref>/src/mux.go#L120-L130`, GitLab's `…/group/project/-/blob/<ref>/…#L120`.
 */
const LINK = /^https?:\/\/[^/\s]+\/(?:[^/\s]+\/)+?(?:-\/)?(?:blob|raw|src\/branch|src\/commit)\/[^/\s]+\/(?<path>[^#?\s]+)(?:\?[^#\s]*)?(?:#L(?<line>\d+)(?:-L?\d+)?)?$/;

/** The longest link read (browsers keep URLs far longer, but no link to a file in a repository is). */
const MAX_LINK = 4096;

/** The place a link to a file names: its path (from the repository's root) and the first line it marks. */
function placeOfLink(text: string): QueryPlace | undefined {
  // A link holds no space and is short; past that, LINK's backtracking would grow with the square of the length.
  const groups = /\s/.test(text) || text.length > MAX_LINK ? undefined : LINK.exec(text)?.groups;
  if (!groups) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(groups.path).toLowerCase();
  } catch {
    return undefined;
  }
  const line = groups.line === undefined ? undefined : Number(groups.line);
  return line !== undefined && Number.isSafeInteger(line) && line >= 1 ? { path, line, rooted: true } : { path, rooted: true };
}

/** The place one line of tools' output names, or undefined. */
function placeOfLine(line: string): QueryPlace | undefined {
  for (const form of PLACE_FORMS) {
    const groups = line.trim().match(form)?.groups;
    if (!groups) continue;
    const path = asIndexPath(groups.path.replace(/^[A-Za-z]:/, '')).toLowerCase();
    const number = Number(groups.line);
    if (path !== '' && !path.endsWith('/') && Number.isSafeInteger(number) && number >= 1) return { path, line: number, rooted: true };
  }
  return undefined;
}

/**
 * The places `query` names, the innermost first: a file's name or path's end (one token), or the places
 * its lines print (a Python traceback lists the innermost frame last, others first); none for a query of
 * words. A pasted trace names many: the first whose file the index holds is the one meant.
 */
export function placesOfQuery(query: string): QueryPlace[] {
  const link = placeOfLink(query.trim());
  if (link) return [link];
  const path = asIndexPath(query).toLowerCase();
  if (isPathLike(path) && path !== '' && !path.endsWith('/') && !/[:(]\d|#l\d/.test(path)) return [{ path, rooted: /^\s*(?:[/\\~]|[A-Za-z]:)/.test(query) }];
  const lines = query.split('\n');
  const places = lines.map(placeOfLine).filter((place): place is QueryPlace => place !== undefined);
  return lines.some((line) => /^\s*File\s+"/.test(line)) ? places.reverse() : places;
}

/**
 * The places in `paths` of the files `end` names (placesOfQuery's form): those whose path is `end` or ends
 * with '/' + `end`. Where the path is `rooted` (printed by a tool, or typed from the root), or holds a
 * folder and is a file's whole path (`languages/cs.py`, as git and grep print paths from the root, beside
 * `parsers/rst/languages/cs.py`), that file alone; else, if none ends with a rooted path, those whose path
 * it ends with after a '/' (it began above the indexed folder), the longest only. A bare file name
 * (`index.js`) names every file of that name.
 */
export function filesNamed(end: string, paths: readonly string[], rooted = false): Set<number> {
  return namingLookup(paths)(end, rooted);
}

/** A path's last part, its file's name. */
const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * filesNamed for `paths`, made once for the several places of a trace: every file an end names has the
 * end's file name, so each end is compared with the paths of that name only (the paths grouped by it).
 */
function namingLookup(paths: readonly string[]): (end: string, rooted: boolean) => Set<number> {
  const lower = paths.map((path) => path.toLowerCase());
  const byName = new Map<string, number[]>();
  lower.forEach((path, i) => {
    const name = fileName(path);
    const same = byName.get(name);
    if (same) same.push(i);
    else byName.set(name, [i]);
  });
  return (end, rooted) => {
    const ids = byName.get(fileName(end)) ?? [];
    const exact = rooted || end.includes('/') ? ids.find((i) => lower[i] === end) : undefined;
    if (exact !== undefined) return new Set([exact]);
    const named = new Set(ids.filter((i) => lower[i] === end || lower[i].endsWith(`/${end}`)));
    if (named.size > 0 || !rooted) return named;
    const above = ids.filter((i) => end.endsWith(`/${lower[i]}`));
    const longest = Math.max(0, ...above.map((i) => lower[i].length));
    return new Set(above.filter((i) => lower[i].length === longest));
  };
}

/** Each index's lookup (namingLookup), by its files' list, made on its first query that names a place. */
const lookups = new WeakMap<readonly { readonly path: string }[], ReturnType<typeof namingLookup>>();

/** The first of `places` whose file an index's `files` holds (the one a trace means), with the files it names. */
export function namedPlace(places: readonly QueryPlace[], files: readonly { readonly path: string }[]): { place: QueryPlace; files: Set<number> } | undefined {
  let named = lookups.get(files);
  if (!named) lookups.set(files, (named = namingLookup(files.map((f) => f.path))));
  for (const place of places) {
    const files = named(place.path, place.rooted === true);
    if (files.size > 0) return { place, files };
  }
  return undefined;
}

/**
 * Of `chunks` (a named file's), those that hold `line`; where none does (a blank line between two, a line
 * past the last), those nearest to it.
 */
export function chunksAtLine<T extends { readonly startLine: number; readonly endLine: number }>(chunks: readonly T[], line: number): T[] {
  const distance = (c: T) => Math.max(0, c.startLine - line, line - c.endLine);
  const nearest = Math.min(...chunks.map(distance));
  return chunks.filter((c) => distance(c) === nearest);
}

/** What hybrid lists first for a named place: the chunks `holding` its line (always candidates), then the rest of its files' chunks. */
export function placePromotion(files: ReadonlySet<number>, fileOf: (id: number) => number, holding: readonly number[]): Promoted {
  const lines = new Set(holding);
  return { kindOf: (id) => (lines.has(id) ? 'line' : files.has(fileOf(id)) ? 'file' : undefined), named: holding };
}
