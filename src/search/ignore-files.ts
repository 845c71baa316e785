/**
 * What a folder's own .gitignore and .ignore files, and its repository's .git/info/exclude, leave out,
 * read as git reads .gitignore: each file's patterns apply to the paths below its folder, a deeper file's
 * rule (a `!` that takes a path back in, too) wins over a shallower one's, and nothing under an ignored
 * folder comes back in. In one folder a .ignore's rules win over its .gitignore's, as in ripgrep, fd and
 * the silver searcher: it leaves out what a project keeps in git but no one means to search (vendored
 * code, fixtures), or takes back in what git leaves out. The repository's .git/info/exclude (where a
 * person keeps what only their clone holds: scratch files, notes) applies at the top before its
 * .gitignore, as git reads it. Patterns the user gives (`c2llm index --exclude`) apply at the top, after
 * its files, and so win over them there. Patterns are matched by the `ignore` package (the gitignore
 * matcher eslint and prettier use). Generated code, build output and data a project keeps out of git
 * are what people do not mean to search.
 */
import ignore, { type Ignore } from 'ignore';

/** The files that leave paths out, in the order their rules apply within one folder (the later wins). */
const IGNORE_FILES: readonly string[] = ['.gitignore', '.ignore'];

/** The repository's own excludes, read for the whole folder before its top .gitignore (git's order), by its path from the top. */
export const GIT_EXCLUDE = '.git/info/exclude';

/** The files whose rules apply in `folder` ('' for the top: GIT_EXCLUDE there too), in the order they apply (the later wins). */
export const ignoreFilesIn = (folder: string): readonly string[] => (folder === '' ? [GIT_EXCLUDE, ...IGNORE_FILES] : IGNORE_FILES);

/**
 * The first of the patterns a user gives that would leave nothing out (blank, or a comment as a .gitignore
 * reads it: `#…`), undefined when each is a pattern; a typo'd flag should say so, not index everything.
 */
export function emptyPattern(patterns: readonly string[]): string | undefined {
  return patterns.find((pattern) => pattern.trim() === '' || pattern.trim().startsWith('#'));
}

/** The folder a rules file's rules apply in, and its name there: GIT_EXCLUDE's are the top's. */
function placeOf(path: string): { readonly folder: string; readonly name: string } {
  const slash = path === GIT_EXCLUDE ? -1 : path.lastIndexOf('/');
  return { folder: slash < 0 ? '' : path.slice(0, slash), name: path.slice(slash + 1) };
}

/** Whether a '/'-separated path names a file whose rules apply in its folder (ignoreFilesIn). */
export const isIgnoreFile = (path: string): boolean => {
  const { folder, name } = placeOf(path);
  return ignoreFilesIn(folder).includes(name);
};

export class IgnoreFiles {
  /** Each folder's IGNORE_FILES texts, by the folder they sit in ('' for the top) and then by name. */
  private readonly texts = new Map<string, Map<string, string>>();
  /** Each folder's patterns, its files' in IGNORE_FILES order (the top's after GIT_EXCLUDE's, then `excluded`). */
  private readonly rules = new Map<string, Ignore>();

  /** `excluded`: patterns the user gives, read as the last lines of the top folder's .ignore. */
  constructor(private readonly excluded: readonly string[] = []) {
    if (excluded.length > 0) this.compile('');
  }

  /** Takes in one of the folder's IGNORE_FILES, or its GIT_EXCLUDE: its path ('.gitignore', 'src/.ignore', '.git/info/exclude') and text. */
  add(path: string, text: string): void {
    const { folder, name } = placeOf(path);
    const texts = this.texts.get(folder) ?? new Map<string, string>();
    texts.set(name, text);
    this.texts.set(folder, texts);
    this.compile(folder);
  }

  /** A folder's patterns made again from its files' texts (at the top, GIT_EXCLUDE's first and `excluded` last). */
  private compile(folder: string): void {
    const texts = this.texts.get(folder);
    this.rules.set(folder, ignore().add([...ignoreFilesIn(folder).map((name) => texts?.get(name) ?? ''), ...(folder === '' ? this.excluded : [])].join('\n')));
  }

  /** Whether a file (a '/'-separated path relative to the folder) is left out, by a folder of its or itself. */
  ignores(path: string): boolean {
    return this.ignoredFolderOf(path) !== undefined || this.decides(path.split('/'), false);
  }

  /** Whether a folder (a '/'-separated path relative to the folder, no trailing '/') is left out, with all inside it. */
  ignoresFolder(path: string): boolean {
    return this.ignoredFolderOf(`${path}/`) !== undefined;
  }

  /** The outermost folder of a file's path that is left out (no trailing '/'), if one is. */
  ignoredFolderOf(path: string): string | undefined {
    const parts = path.split('/');
    for (let n = 1; n < parts.length; n++) {
      if (this.decides(parts.slice(0, n), true)) return parts.slice(0, n).join('/');
    }
    return undefined;
  }

  /** Whether the deepest folder whose files have a rule for this path ignores it (false where none has one). */
  private decides(parts: readonly string[], folder: boolean): boolean {
    for (let depth = parts.length - 1; depth >= 0; depth--) {
      const rules = this.rules.get(parts.slice(0, depth).join('/'));
      if (!rules) continue;
      const { ignored, unignored } = rules.test(parts.slice(depth).join('/') + (folder ? '/' : ''));
      if (ignored || unignored) return ignored;
    }
    return false;
  }
}
