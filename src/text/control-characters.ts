/**
 * Control characters in text that comes from files, indexes or queries: C0, DEL and C1, newlines and
 * terminal escape sequences among them. An index may not hold them in a path or a name (index-trust.ts),
 * and text shown in a terminal has them written as escapes, so that a file name or a chunk of code
 * cannot move the cursor, recolour or retitle the user's terminal.
 */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** `text` with every control character written as an escape (`\n`, `\t`, `\r`, else `\xNN`). */
export function printable(text: string): string {
  return text.replace(new RegExp(CONTROL.source, 'g'), (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
