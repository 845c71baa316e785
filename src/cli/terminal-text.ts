/**
 * Text from files, indexes or queries made safe for a terminal: a file name or a chunk of code can hold
 * newlines and escape sequences that would move the cursor, recolour or retitle the user's terminal.
 */
/** `text` with every control character (C0, DEL, C1: newlines and escape sequences included) written as an escape. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
