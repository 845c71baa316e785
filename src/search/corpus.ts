/**
 * Which files of a picked folder are code worth indexing, and in which language (by extension, or by
 * whole name: `Makefile`, `Dockerfile`; the one table the chunker, comment rules and filters read): not
 * in dependency, VCS, build or vendored folders; not lock files, minified bundles, images or other
 * binaries; not above a size limit; and not binary by content (a NUL byte or another control byte that
 * text does not hold) nor minified by content (JavaScript or CSS whose lines are long on average, as
 * GitHub's linguist tells generated files).
 */
import { indexPathProblem } from './index-trust';
import { isNotebook } from './notebook';

/** The default size limit of a file to index (`c2llm index --max-file-kb` changes it). */
export const MAX_FILE_BYTES = 512 * 1024;
/** A Jupyter notebook may be this many times the limit: its outputs (images as base64) are most of its bytes, and are not read (notebook.ts). */
export const NOTEBOOK_SIZE_FACTOR = 8;

/** The size limit of the file at `path`, where files are limited to `maxBytes`. */
export const sizeLimitOf = (path: string, maxBytes: number): number => (isNotebook(path) ? NOTEBOOK_SIZE_FACTOR * maxBytes : maxBytes);

const SKIPPED_DIRECTORIES = new Set([
  'node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'out', 'target', 'vendor', 'third_party', 'third-party',
  '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache', '.next', '.nuxt', '.cache', 'coverage',
  '.idea', '.vscode', 'bower_components', 'Pods', 'generated', '__generated__', '.gradle', '.terraform',
]);

const LOCK_FILES = new Set(['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'Cargo.lock', 'poetry.lock', 'Pipfile.lock', 'composer.lock', 'Gemfile.lock', 'go.sum', 'bun.lockb', 'flake.lock', 'uv.lock']);

/** The language of each file extension an index reads, by the name an index records (lower case). */
const LANGUAGES: Readonly<Record<string, string>> = {
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', ts: 'typescript', tsx: 'typescript', mts: 'typescript',
  cts: 'typescript', py: 'python', pyi: 'python', pyw: 'python', ipynb: 'python', go: 'go', rs: 'rust', java: 'java', kt: 'kotlin', kts: 'kotlin',
  scala: 'scala', swift: 'swift', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', hxx: 'cpp', ipp: 'cpp',
  inl: 'cpp', mm: 'objective-c', cs: 'csharp', php: 'php', rb: 'ruby', rake: 'ruby', gemspec: 'ruby', dart: 'dart', lua: 'lua',
  r: 'r', jl: 'julia', ex: 'elixir', exs: 'elixir', erl: 'erlang', hrl: 'erlang', hs: 'haskell', ml: 'ocaml', mli: 'ocaml',
  clj: 'clojure', cljs: 'clojure', cljc: 'clojure', groovy: 'groovy', gradle: 'groovy', pl: 'perl', pm: 'perl',
  ps1: 'powershell', psm1: 'powershell', sol: 'solidity', proto: 'protobuf', tf: 'hcl', hcl: 'hcl', graphql: 'graphql',
  gql: 'graphql', nix: 'nix', bzl: 'starlark', mk: 'make', cmake: 'cmake', dockerfile: 'dockerfile', sh: 'shell', bash: 'shell', zsh: 'shell', sql: 'sql',
  wgsl: 'wgsl', glsl: 'glsl', zig: 'zig', vue: 'vue', svelte: 'svelte', html: 'html', css: 'css', scss: 'scss', md: 'markdown',
  mdx: 'markdown', markdown: 'markdown',
};

/** The language of code files known by their whole name rather than an extension (`Makefile`, `Dockerfile.dev`). */
const NAMED_FILES: readonly (readonly [name: RegExp, language: string])[] = [
  [/^(?:GNUmakefile|[Mm]akefile)$/, 'make'],
  [/^(?:Dockerfile|Containerfile)(?:\.[\w.-]+)?$/, 'dockerfile'],
  [/^CMakeLists\.txt$/, 'cmake'],
  [/^(?:Rakefile|Vagrantfile)$/, 'ruby'],
  [/^(?:BUILD|WORKSPACE)(?:\.bazel)?$/, 'starlark'],
];

/** Every language a file is read as. */
export const CODE_LANGUAGES: ReadonlySet<string> = new Set([...Object.values(LANGUAGES), ...NAMED_FILES.map(([, language]) => language)]);

/** The language of a code file, from its name or extension ('' when it is not code). */
export function languageOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const named = NAMED_FILES.find(([pattern]) => pattern.test(name));
  if (named) return named[1];
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (LANGUAGES[name.slice(dot + 1).toLowerCase()] ?? '') : '';
}

export type SkipReason = 'folder' | 'ignored' | 'lock file' | 'not code' | 'minified' | 'too large' | 'binary' | 'unreadable' | 'unusual name';

/**
 * Whether a path is skipped for its name: a name that was not valid UTF-8 where it was listed (decoded
 * with U+FFFD, so it cannot be opened again by it) or one an index may not hold (index-trust.ts).
 */
export function unusualName(path: string): boolean {
  return path.includes('\uFFFD') || indexPathProblem(path) !== undefined;
}

/** Why a path is skipped before reading it, or undefined to read it. */
export function skipByPath(path: string, bytes: number, maxBytes = MAX_FILE_BYTES): SkipReason | undefined {
  if (unusualName(path)) return 'unusual name';
  const parts = path.split('/');
  const name = parts.at(-1) ?? '';
  if (parts.slice(0, -1).some((p) => SKIPPED_DIRECTORIES.has(p))) return 'folder';
  if (LOCK_FILES.has(name)) return 'lock file';
  if (/\.min\.(js|css)$/.test(name) || /[.-]bundle\.js$/.test(name)) return 'minified';
  if (languageOf(name) === '') return 'not code';
  if (bytes > sizeLimitOf(path, maxBytes)) return 'too large';
  return undefined;
}

/** A JavaScript or CSS file whose lines average more than this many characters is minified (linguist's rule). */
export const MINIFIED_MEAN_LINE = 110;
const MINIFIABLE = /\.(js|mjs|cjs|css)$/i;

/**
 * Whether a JavaScript or CSS file is minified by its content, whatever its name: a bundle or a stylesheet
 * squeezed onto a few long lines is one chunk of thousands of words that BM25 matches to any query.
 */
export function isMinified(path: string, text: string): boolean {
  if (!MINIFIABLE.test(path)) return false;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text; // a final newline ends the last line
  const lines = body.split('\n').length;
  return (body.length - (lines - 1)) / lines > MINIFIED_MEAN_LINE;
}

/** C0 control bytes that text in a legacy encoding does not hold (all but tab, line feed, vertical tab, form feed, carriage return, DOS's end of file and escape). */
const BINARY_CONTROLS = /[\x00-\x08\x0e-\x19\x1c-\x1f]/;

/**
 * Decodes a file's bytes as text, or returns undefined for binary content: UTF-16 where it begins with
 * that byte order mark (as Windows editors save it), else UTF-8 (a UTF-8 mark dropped) unless a NUL is in
 * its first 8 KiB; text that is not valid UTF-8 is in a legacy encoding (`é` as the one byte 0xE9 in a
 * Latin-1 comment), read as Windows-1252, which keeps every ASCII byte of its code, unless it holds a
 * control byte that text never does.
 */
export function decodeText(bytes: Uint8Array): string | undefined {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  if (utf16) return decodedOrUndefined(utf16, bytes);
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  const utf8 = decodedOrUndefined('utf-8', bytes);
  if (utf8 !== undefined) return utf8;
  const legacy = new TextDecoder('windows-1252').decode(bytes);
  return BINARY_CONTROLS.test(legacy) ? undefined : legacy;
}

function decodedOrUndefined(encoding: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** What was skipped, told the same way by the page and the CLI: folders not entered, and files with why. */
export interface SkippedSummary {
  /** Dependency, VCS or build folders, each once ('node_modules/'), however many files they hold. */
  readonly folders: readonly string[];
  /** Every other skipped file, with its reason, in path order. */
  readonly files: readonly (readonly [path: string, reason: SkipReason])[];
}

/**
 * `skipped` (path -> reason; a folder as 'path/', or each file inside one with reason 'folder') as
 * folders not entered and files skipped: the CLI never enters such a folder, the browser's folder
 * picker hands over every file inside it, and both count the same.
 */
export function summariseSkipped(skipped: ReadonlyMap<string, SkipReason>): SkippedSummary {
  const folders = new Set<string>();
  const files: [string, SkipReason][] = [];
  for (const [path, reason] of skipped) {
    if (reason !== 'folder') files.push([path, reason]);
    else if (path.endsWith('/')) folders.add(path);
    else {
      const parts = path.split('/');
      const at = parts.findIndex((part) => SKIPPED_DIRECTORIES.has(part));
      folders.add(`${parts.slice(0, at + 1).join('/')}/`);
    }
  }
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { folders: [...folders].sort(byPath), files: files.sort((a, b) => byPath(a[0], b[0])) };
}
