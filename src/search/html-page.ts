/**
 * A built site's HTML page as what a reader sees of it, for `c2llm index --html`: the visible text
 * (htmlparser2's tokenizer, entities decoded), one line per block element, `<pre>` kept line by line
 * as fenced code, headings written as Markdown's ATX headings (`## Install`) so that the chunker cuts the page at them
 * and gives each section its heading path; script, style, template, noscript, svg, head, nav and footer
 * left out. Each chunk gets `anchor`: the id of the nearest heading at or above its first line that has
 * one (the heading's own id, or that of an element inside it, as `<h2><a id="install">`), which a result
 * links to.
 */
import { Parser } from 'htmlparser2';
import { chunkMarkdown, type Chunk, type ChunkOptions } from './chunker';

const SKIPPED = new Set(['script', 'style', 'template', 'noscript', 'svg', 'head', 'nav', 'footer', 'iframe', 'object']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'br', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'form', 'header', 'hr', 'li', 'main', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul']);
const HEADING = /^h([1-6])$/;

/** The page's text, one string per line, and the heading id of each line that is a heading (else undefined). */
export function pageLines(html: string): { lines: string[]; anchors: (string | undefined)[] } {
  const lines: string[] = [];
  const anchors: (string | undefined)[] = [];
  let line = '';
  let skipping = 0;
  let pre = 0;
  let heading: { level: number; id?: string } | undefined;
  const flush = () => {
    const text = pre ? line.replace(/\s+$/, '') : line.replace(/\s+/g, ' ').trim();
    if (heading && text) {
      lines.push(`${'#'.repeat(heading.level)} ${text}`);
      anchors.push(heading.id);
    } else if (text) {
      // A paragraph that reads like a heading or a fence ("# of items") is escaped, as Markdown would.
      lines.push(!pre && /^\s{0,3}(#{1,6}(\s|$)|`{3,}|~{3,})/.test(text) ? `\\${text}` : text);
      anchors.push(undefined);
    }
    line = '';
  };
  /** `<pre>` becomes fenced code, so that a line in it that starts with `#` is not taken for a heading. */
  const fence = () => {
    lines.push('```');
    anchors.push(undefined);
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (skipping || SKIPPED.has(name)) {
          if (!VOID.has(name)) skipping++;
          return;
        }
        const level = HEADING.exec(name)?.[1];
        if (level) {
          flush();
          heading = { level: Number(level), id: attributes.id || undefined };
        } else if (heading && !heading.id && (attributes.id || (name === 'a' && attributes.name))) heading.id = attributes.id || attributes.name;
        if (BLOCK.has(name)) flush();
        if (name === 'pre' && pre++ === 0) fence();
      },
      ontext(text) {
        if (skipping) return;
        if (!pre) {
          line += text;
          return;
        }
        const parts = text.split('\n');
        parts.forEach((part, i) => {
          if (i > 0) {
            lines.push(line.replace(/\s+$/, ''));
            anchors.push(undefined);
            line = '';
          }
          line += part;
        });
      },
      onclosetag(name) {
        if (VOID.has(name)) return;
        if (skipping) {
          skipping--;
          return;
        }
        if (BLOCK.has(name) || HEADING.test(name)) flush();
        if (HEADING.test(name)) heading = undefined;
        if (name === 'pre' && pre > 0 && --pre === 0) fence();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return { lines, anchors };
}

/** A page's chunks: its text cut at headings (chunker.ts's Markdown rules), each with its nearest heading's anchor. */
export function chunkPage(html: string, options: ChunkOptions = {}): Chunk[] {
  const { lines, anchors } = pageLines(html);
  const nearest: (string | undefined)[] = [];
  anchors.forEach((anchor, i) => (nearest[i] = anchor ?? nearest[i - 1])); // only a heading's line has an anchor
  return chunkMarkdown(lines.join('\n'), options).map((chunk) => {
    const anchor = nearest[chunk.startLine - 1];
    return anchor ? { ...chunk, anchor } : chunk;
  });
}
