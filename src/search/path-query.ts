/**
 * Queries that are a file's name or the end of its path (`mux.go`, `languages/__init__.py`,
 * `Logger.php`), as people type one to open it. BM25 reads the path's words like any others, so a file
 * whose code says "tree" often outranks `tree.go` itself; hybrid lists the chunks of the files so named
 * first (fusion.ts's FILE_NAME_PROMOTION). Matched without regard to case, on whole folder names.
 */

/** One token holding a '.' or a '/', as a file's name or path does (and a qualified name, which names no file). */
const PATH_LIKE = /^[^\s]*[./][^\s]*$/;

/**
 * A path as a user types it, in the form an index holds paths: trimmed, '/' for '\\' (Windows), without a
 * leading './' or '/' (paths are relative to the indexed folder). A query's file name and a filter's
 * folder are both read so.
 */
export const asIndexPath = (typed: string): string => typed.trim().replaceAll('\\', '/').replace(/^(?:\.?\/)+/, '');

/** The query as the end of a path (asIndexPath's form, lower-cased); undefined when it cannot be one. */
export function pathOfQuery(query: string): string | undefined {
  const path = asIndexPath(query).toLowerCase();
  return PATH_LIKE.test(path) && path !== '' && !path.endsWith('/') ? path : undefined;
}

/** The places in `paths` of the files whose path is `end` or ends with '/' + `end` (pathOfQuery's form). */
export function filesNamed(end: string, paths: readonly string[]): Set<number> {
  const named = new Set<number>();
  paths.forEach((path, i) => {
    const lower = path.toLowerCase();
    if (lower === end || lower.endsWith(`/${end}`)) named.add(i);
  });
  return named;
}
