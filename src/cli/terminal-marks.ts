/**
 * The query's words marked in what `c2llm search` prints to a terminal, as ripgrep marks its matches
 * (bold red): only where stdout is a terminal and NO_COLOR (no-color.org) is not set, so that piped
 * output and files stay plain text. The text marked is already printable (text/control-characters.ts):
 * the only escapes in the output are these.
 */
import { markedPieces } from '../search/query-matches';

const MARK_ON = '\u001b[1;31m';
const MARK_OFF = '\u001b[0m';

/** Whether output to `stream` is marked: a terminal, and NO_COLOR not set. */
export const marksWanted = (stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean => stream.isTTY === true && !env.NO_COLOR;

/** `text` with each identifier that `matches` accepts between the terminal's bold red and its reset. */
export function withMarks(text: string, matches: (identifier: string) => boolean): string {
  return markedPieces(text, matches).map((piece) => (piece.marked ? `${MARK_ON}${piece.text}${MARK_OFF}` : piece.text)).join('');
}
