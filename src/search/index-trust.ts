/**
 * What an index file may name, checked as it is read (an index is a file people get from others): paths
 * that stay inside the indexed folder and on one line, and the model, only ever compared with the one
 * loaded, never loaded because an index names it.
 */
import { IndexFileError } from '../errors';
import { CONTROL, printable } from '../text/control-characters';

/**
 * Why `path` cannot be a file's path in an index (undefined when it can): it must be relative,
 * '/'-separated, without empty, '.' or '..' parts, a drive letter, a backslash or a control character,
 * so that whatever joins it to a folder or prints it stays inside that folder and that line.
 */
export function indexPathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (CONTROL.test(path)) return 'holds a control character';
  if (path.includes('\\')) return 'holds a backslash';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is absolute';
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) return "has an empty, '.' or '..' part";
  return undefined;
}

/**
 * Refuses an index made with another model than the one loaded (`loaded`: its fingerprint and a name
 * for the message); `advice` is appended (what the user can do). The index's model is only compared:
 * an index never chooses which model is loaded.
 */
export function requireSameModel(file: string, index: { readonly id: string; readonly fingerprint: string }, loaded: { fingerprint: string; name: string }, advice = ''): void {
  if (index.fingerprint === loaded.fingerprint) return;
  throw new IndexFileError(file, `was made with another model (${printable(index.id)}, ${index.fingerprint.slice(0, 19)}…) than ${loaded.name} (${loaded.fingerprint.slice(0, 19)}…)${advice}`);
}
