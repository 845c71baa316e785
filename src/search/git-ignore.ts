/**
 * What a folder's own .gitignore files leave out, read as git reads them: each file's patterns apply to
 * the paths below its folder, a deeper file's rule (a `!` that takes a path back in, too) wins over a
 * shallower one's, and nothing under an ignored folder comes back in. Patterns are matched by the
 * `ignore` package (the gitignore matcher eslint and prettier use). Generated code, build output and
 * data a project keeps out of git are what people do not mean to search.
 */
import ignore, { type Ignore } from 'ignore';

export const GITIGNORE = '.gitignore';

export class GitIgnore {
  /** Each .gitignore's patterns, by the folder it sits in ('' for the top). */
  private readonly rules = new Map<string, Ignore>();

  /** Takes in one .gitignore file of the folder: its path ('.gitignore', 'src/.gitignore') and text. */
  add(path: string, text: string): void {
    this.rules.set(path.slice(0, Math.max(0, path.length - GITIGNORE.length - 1)), ignore().add(text));
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

  /** Whether the deepest .gitignore with a rule for this path ignores it (false where none has one). */
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
