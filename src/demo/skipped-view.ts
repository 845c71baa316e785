/**
 * What indexing left out, shown under the corpus status as the CLI says it on stderr (search/corpus.ts's
 * summariseSkipped): folders not entered, then each skipped file with why. Text is set with
 * textContent, so a file name is never parsed as HTML.
 */
import { MAX_FILE_BYTES, sizeLimitOf, summariseSkipped, type SkipReason } from '../search/corpus';
import { plural } from '../text/plural';

const WHY: Record<Exclude<SkipReason, 'too large'>, string> = {
  folder: 'dependency, VCS or build folder',
  ignored: 'left out by a .gitignore, .ignore or .git/info/exclude',
  'lock file': 'lock file',
  'not code': 'not code',
  minified: 'minified',
  binary: 'binary',
  unreadable: 'could not be read (moved or deleted?)',
  'unusual name': 'a name with control characters',
};

/** Why a file was skipped, in words; a file too large says over what (its size limit). */
const why = (path: string, reason: SkipReason): string => (reason === 'too large' ? `over ${sizeLimitOf(path, MAX_FILE_BYTES) / 1024} KiB` : WHY[reason]);

/** Fills `details` (its summary, then a list) and returns the number of files skipped (folders aside). */
export function renderSkipped(details: HTMLDetailsElement, skipped: ReadonlyMap<string, SkipReason>): number {
  const { folders, files } = summariseSkipped(skipped);
  const summary = document.createElement('summary');
  summary.textContent = `${plural(files.length, 'file')} skipped${folders.length ? `, ${plural(folders.length, 'folder')} not entered` : ''}: which and why`;
  const list = document.createElement('ul');
  for (const folder of folders) {
    const item = document.createElement('li');
    item.textContent = `${folder} (${WHY.folder})`;
    list.append(item);
  }
  for (const [path, reason] of files) {
    const item = document.createElement('li');
    item.textContent = `${path} (${why(path, reason)})`;
    list.append(item);
  }
  details.replaceChildren(summary, list);
  details.hidden = files.length + folders.length === 0;
  return files.length;
}
