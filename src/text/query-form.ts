/**
 * A query as each side of search reads it. People type a search as a request ("how do I register a custom
 * keyword", "show me the function that parses dates", "is there a way to copy a tree"), where what follows
 * the frame describes the code. Neither side gains from the frame: BM25 matches "code", "function",
 * "find" and "show" all over a codebase, and the model, trained on descriptions of code, reads them as part
 * of the description. With such a frame before every query of the code-search validation set, hybrid file
 * MRR@10 fell from 0.806 to 0.754-0.797 (docs/design.md). Kept: a question word that says what is asked
 * ("why are newlines flattened", "where is the cache size limited", "how does a range get converted"), as
 * the model ranks those queries as well or better with it, unless it asks how or where "I" or "we" do
 * something; and a verb that may be what the code does ("find the longest match", "search for a key",
 * "locate the config file").
 */

/** What a frame may name the code by: "the function that", "code to", "the place where". */
const CODE = '(?:code|function|method|place|part|logic|snippet|routine|implementation|spot|bit)';

/** Frames, each at the start of what is left of the query; applied until none matches. */
const FRAMES: readonly RegExp[] = [
  /^(?:please|pls)\s+/i,
  /^(?:can|could|would)\s+you\s+(?:please\s+)?/i,
  /^(?:i|we)\s+(?:want|need|am looking|are looking)\s+(?:for\s+|to\s+(?:find|see|know|understand)\s+|to\s+)?/i,
  /^(?:i'm|we're)\s+looking\s+for\s+/i,
  /^looking\s+for\s+/i,
  /^(?:help\s+me|let\s+me)\s+(?:find|see|understand)\s+/i,
  /^(?:show|give|tell|find|get)\s+me\s+/i,
  /^(?:find|see)\s+(?=(?:where|how)\s+(?:i|we|you)\s)/i,
  /^(?:how|where)\s+(?:do|can|could|should|would|will)\s+(?:i|we|you|one)\s+/i,
  /^(?:how|where)\s+(?:i|we|you)\s+/i,
  /^how\s+to\s+/i,
  /^is\s+there\s+(?:a|an|any|some)\s+/i,
  /^way\s+to\s+/i,
  new RegExp(`^(?:find\\s+|where\\s+is\\s+|where's\\s+|what\\s+is\\s+|what's\\s+)?(?:the\\s+|a\\s+|an\\s+|some\\s+|any\\s+|our\\s+)?${CODE}s?\\s+(?:that|which|where|to|for|responsible\\s+for)\\s+`, 'i'),
  new RegExp(`^which\\s+${CODE}s?\\s+`, 'i'),
];

/** `query` less the frame that makes it a request (FRAMES); the query as it is where nothing would be left. */
export function withoutRequestFrame(query: string): string {
  let rest = query.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const frame of FRAMES) {
      const next = rest.replace(frame, '');
      if (next !== rest && next.trim() !== '') {
        rest = next;
        changed = true;
      }
    }
  }
  return rest === query.trim() ? query : rest;
}

/** A word of prose with a capital first letter: "Parse", "Retry" (not `HTTP`, `ServeHTTP` or `Uvarint2`). */
const CAPITALISED = /^\p{Lu}\p{Ll}+$/u;

/**
 * A query in Title Case: two words of letters or more, each capitalised or in capitals, at least one past
 * the first capitalised, and nothing else but words that begin with a digit or a sign and hold a letter or
 * digit (`1.2.4-alpha`, `[default:`), so that a grammar rule (`Param = Name Type`) is none.
 */
function inTitleCase(words: readonly string[]): boolean {
  const lettered = words.filter((word) => /^\p{L}/u.test(word));
  return (
    lettered.length >= 2 &&
    lettered.every((word) => /^\p{Lu}/u.test(word)) &&
    lettered.slice(1).some((word) => CAPITALISED.test(word)) &&
    words.every((word) => /^\p{L}/u.test(word) || /[\p{L}\p{N}]/u.test(word))
  );
}

/**
 * What the model is given of a code-search query: without its request frame (withoutRequestFrame), the
 * spaces around it, runs of spaces in a query of one line (the model reads each as a token; a pasted
 * snippet of several lines keeps its indentation) and the question mark
 * or full stop after its last word (a `?` or `.` standing alone, as a wildcard, stays); its capitalised
 * words lowered where it is in Title Case ("Retry With Backoff?" is "retry with backoff"). Without these,
 * on the code-search validation set, a question mark after each query cost dense file MRR@10 0.625 →
 * 0.603, two spaces for its first 0.610 and Title Case 0.507. A capital first letter alone is left as typed: it cost that
 * set 0.016, but lowering it cost the docstring validation split's doc-comment summaries, nearly all
 * capitalised, 0.609 → 0.596 (docs/design.md).
 */
export function asDescription(query: string): string {
  const trimmed = withoutRequestFrame(query).trim();
  const oneLine = trimmed.includes('\n') ? trimmed : trimmed.replace(/[ \t]{2,}/g, ' ');
  const described = oneLine.replace(/(?<=[\p{L}\p{N})\]'"`])[?.!]+$/u, '') || query.trim();
  const parts = described.split(/(\s+)/);
  return inTitleCase(parts.filter((part) => /\S/.test(part))) ? parts.map((part) => (CAPITALISED.test(part) ? part.toLowerCase() : part)).join('') : described;
}

/**
 * Whether a query holds a quotation mark or a backtick: how a user asks for words as typed, which a search
 * then neither reads as a language's name (language-query.ts) nor corrects (query-correction.ts).
 */
export const quotesItsWords = (query: string): boolean => /["`\u201C\u201D]/.test(query);
