/**
 * A small syntax highlighter for result snippets: comments, strings, numbers and common keywords.
 * It builds DOM nodes whose text is set with textContent, so file content is never parsed as HTML.
 * Python's triple-quoted strings (docstrings) are strings across their lines. Linear in the text: a
 * comment or string that is never closed ends at the end of its line (strings)
 * or of the text (block comments, template strings) instead of being searched for again from every
 * later quote; past HIGHLIGHTED_CHARS the rest is plain text. A snippet that begins inside a comment
 * (a result's `openComment`: how that comment ends) is that comment up to its end, a docstring's rest a string.
 * Identifiers that `marks` accepts (the query's words, query-matches.ts) are <mark>ed, in code, comments
 * and strings alike, within HIGHLIGHTED_CHARS.
 */
import { markedPieces } from '../search/query-matches';

const KEYWORDS = new Set(
  ('abstract async await break case catch class const continue def default defer del do elif else enum export extends ' +
    'false final finally fn for from func function go if impl import in interface is lambda let loop match mod mut new nil ' +
    'None null package pass private protected pub public raise return self static struct super switch this throw true True False ' +
    'try type typeof use var void where while with yield').split(' '),
);

const TOKEN = /(\/\/[^\n]*|#[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|`(?:\\.|[^`\\])*`?)|(\b\d[\d_.xXa-fA-F]*\b)|([A-Za-z_]\w*)/g;
export const HIGHLIGHTED_CHARS = 100_000;

export function highlight(code: string, openComment?: string, marks?: (identifier: string) => boolean): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let last = 0;
  const node = (text: string, className: string | undefined, tag: 'span' | 'mark') => {
    if (!className && tag === 'span') return document.createTextNode(text);
    const element = document.createElement(tag);
    if (className) element.className = className;
    element.textContent = text;
    return element;
  };
  /** `text` as a node of `className`, its identifiers that `marks` accepts <mark>ed where `markable`. */
  const push = (text: string, className?: string, markable = true) => {
    if (!text) return;
    if (!marks || !markable) {
      fragment.append(node(text, className, 'span'));
      return;
    }
    for (const piece of markedPieces(text, marks)) fragment.append(node(piece.text, className, piece.marked ? 'mark' : 'span'));
  };
  const coloured = code.slice(0, HIGHLIGHTED_CHARS);
  if (openComment) {
    const end = coloured.indexOf(openComment);
    last = end < 0 ? coloured.length : end + openComment.length;
    push(code.slice(0, last), /^["']/.test(openComment) ? 'tok-string' : 'tok-comment');
  }
  const start = last;
  for (const match of coloured.slice(start).matchAll(TOKEN)) {
    const [text, comment, string, number, word] = match;
    const at = start + match.index;
    push(code.slice(last, at));
    if (comment) push(text, 'tok-comment');
    else if (string) push(text, 'tok-string');
    else if (number) push(text, 'tok-number');
    else push(word, KEYWORDS.has(word) ? 'tok-keyword' : undefined);
    last = at + text.length;
  }
  // Every token ends within the coloured part: its rest is marked, what lies past it is plain text.
  push(code.slice(last, coloured.length));
  push(code.slice(coloured.length), undefined, false);
  return fragment;
}
