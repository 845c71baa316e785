/**
 * Search as you type, measured: the queries in users' words of a code-search set as a search box ranks
 * them at a pause in typing, with their last word cut to its first 2, 3 or 4 characters (the queries
 * whose last word is longer), or with one typo in one word of five letters or more (two letters swapped,
 * one left out, one doubled or one hit on a neighbouring key; never the first letter; seeded, so every
 * run types the same typos), and as written. Hybrid file and chunk MRR@10 as typed, corrected from
 * each codebase's index (CodeIndex.correct: src/search/query-completion.ts, query-correction.ts), and
 * as written.
 */
import type { Lexicon } from '../src/search/query-correction';
import { random } from '../test/helpers/random';
import { searchQuerySet, withQueryList, type CodeSearchQuery, type PreparedSet, type SearchMetrics } from './code-search';

/** The lengths a last word is cut to: COMPLETION_MIN_CHARS - 1 (not completed) and from it on. */
export const TYPED_CHARS = [2, 3, 4];

export interface TypingRow {
  /** How the queries were typed: their last word cut to N characters, one typo, or as written. */
  readonly typed: string;
  readonly asTyped: SearchMetrics;
  readonly corrected: SearchMetrics;
  readonly asWritten: SearchMetrics;
}

/** The query with its last word cut to `chars` characters; undefined where that word is not longer. */
function cut(query: string, chars: number): string | undefined {
  const [, head, last] = /^(.*\s)(\S+)$/.exec(query) ?? [];
  return last && last.length > chars ? head + [...last].slice(0, chars).join('') : undefined;
}

/** Typos drawn for each query: one draw's typos vary too much between seeds to compare with. */
const TYPO_DRAWS = 3;

const KEYBOARD = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** A key beside `letter` on a QWERTY keyboard (left, right, above or below). */
function besideKey(letter: string, rand: () => number): string {
  const row = KEYBOARD.findIndex((keys) => keys.includes(letter));
  const at = KEYBOARD[row].indexOf(letter);
  const beside = [KEYBOARD[row][at - 1], KEYBOARD[row][at + 1], KEYBOARD[row - 1]?.[at], KEYBOARD[row + 1]?.[at]].filter(Boolean);
  return beside[Math.floor(rand() * beside.length)];
}

/** The query with one typo in one of its words of five lowercase letters or more; undefined where it has none. */
function withTypo(query: string, rand: () => number): string | undefined {
  const words = query.split(' ');
  const long = words.flatMap((word, i) => (/^[a-z]{5,}$/.test(word) ? [i] : []));
  if (long.length === 0) return undefined;
  const i = long[Math.floor(rand() * long.length)];
  const word = words[i];
  const at = 1 + Math.floor(rand() * (word.length - 2));
  const [head, tail] = [word.slice(0, at), word.slice(at)];
  const typos = [head + tail[1] + tail[0] + tail.slice(2), head + tail.slice(1), head + tail[0] + tail, head + besideKey(tail[0], rand) + tail.slice(1)];
  words[i] = typos[Math.floor(rand() * typos.length)];
  return words.join(' ');
}

/** The rows of the table, hybrid at lexical weight `weight`; `oneToken`: the model's (Lexicon's). */
export async function typingRows(set: PreparedSet, model: string | undefined, oneToken: Lexicon['oneToken'], weight: number, log: (line: string) => void): Promise<TypingRow[]> {
  const rand = random(19);
  const forms: { typed: string; form: (query: string) => string | undefined; times?: number }[] = [
    ...TYPED_CHARS.map((chars) => ({ typed: `last word cut to ${chars} characters`, form: (query: string) => cut(query, chars) })),
    { typed: `one typo in a word of 5+ letters (${TYPO_DRAWS} draws a query)`, form: (query: string) => withTypo(query, rand), times: TYPO_DRAWS },
    { typed: 'as written', form: (query: string) => query },
  ];
  const rows: TypingRow[] = [];
  for (const { typed, form, times = 1 } of forms) {
    const pairs = Array.from({ length: times }, () => set.queries).flat().flatMap((q) => {
      const query = form(q.query);
      return query === undefined ? [] : [{ written: q, typed: { ...q, query } }];
    });
    const asTyped = pairs.map((p) => p.typed);
    const corrected = asTyped.map((q): CodeSearchQuery => ({ ...q, query: set.indexes.get(q.codebase)!.correct(q.query, oneToken) }));
    const measure = async (queries: readonly CodeSearchQuery[], how: string) => searchQuerySet(await withQueryList(set, queries, `${typed} (${how})`, model, log), 'hybrid', weight).all;
    rows.push({ typed, asTyped: await measure(asTyped, 'as typed'), corrected: await measure(corrected, 'corrected'), asWritten: await measure(pairs.map((p) => p.written), 'as written') });
  }
  return rows;
}

export function typingTable(title: string, rows: readonly TypingRow[]): string {
  const cell = (m: SearchMetrics) => `${m.fileMrr10.toFixed(3)} / ${m.chunkMrr10.toFixed(3)}`;
  return [
    `${title}: hybrid file / chunk MRR@10`,
    '',
    '| queries typed with | queries | as typed | corrected from the index | as written |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.typed} | ${r.asTyped.queries} | ${cell(r.asTyped)} | ${cell(r.corrected)} | ${cell(r.asWritten)} |`),
    '',
  ].join('\n');
}
