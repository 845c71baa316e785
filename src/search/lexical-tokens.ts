/**
 * Identifier-aware words for lexical search: text is split on anything that is not a letter or digit,
 * each identifier is also split at camelCase and snake_case boundaries (`parseHTTPHeader` gives
 * `parsehttpheader`, `parse`, `http`, `header`), everything is lowercased, and a plural or third-person
 * `s` is dropped so that "returns" meets `return`. A path is words too (`src/search/bm25.ts` gives
 * `src`, `search`, `bm25`, `ts`).
 */
const WORD = /[\p{L}\p{N}_]+/gu;
const CAMEL_PARTS = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+/gu;
const MAX_WORD_CHARS = 64;

function stem(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

export function lexicalTokens(text: string): string[] {
  const out: string[] = [];
  for (const [identifier] of text.matchAll(WORD)) {
    if (identifier.length > MAX_WORD_CHARS) continue;
    const parts = identifier.split('_').flatMap((piece) => piece.match(CAMEL_PARTS) ?? []);
    const whole = identifier.replace(/_/g, '').toLowerCase();
    if (parts.length !== 1 && whole.length > 0) out.push(stem(whole));
    for (const part of parts) out.push(stem(part.toLowerCase()));
  }
  return out;
}
