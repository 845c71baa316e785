/**
 * Queries in the forms people type them, measured: the queries in users' words of a code-search set as a
 * request ("how do I …", "show me the code that …"; REQUEST_FRAMES, written as people type into a search
 * box, some beyond what src/text/query-form.ts takes off), as a sentence (a question mark, a capital first
 * letter, Title Case) and as pasted, against the queries as written. Hybrid file and chunk MRR@10; the product
 * searches each query as the user gave it.
 */
import { searchQuerySet, withQueryList, type PreparedSet, type SearchMetrics } from './code-search';

export const REQUEST_FRAMES = [
  'how do I ',
  'how to ',
  'where do we ',
  'show me the code that ',
  'find the function that ',
  "I'm looking for code to ",
  'is there a way to ',
  'can you find where we ',
  'which function ',
  'what handles ',
  'code that shows how we ',
];

/** Each form: its name in the table, and the query in it. */
const FORMS: readonly { readonly name: string; readonly form: (query: string) => string }[] = [
  ...REQUEST_FRAMES.map((frame) => ({ name: `"${frame.trim()} …"`, form: (query: string) => frame + query })),
  { name: 'with a question mark', form: (query) => `${query}?` },
  { name: 'with two spaces for its first and a newline after it, as pasted', form: (query) => `${query.replace(' ', '  ')}\n` },
  { name: 'with a capital first letter', form: (query) => query.charAt(0).toUpperCase() + query.slice(1) },
  { name: 'in Title Case', form: (query) => query.replace(/(^|\s)(\p{Ll})/gu, (_, space: string, letter: string) => space + letter.toUpperCase()) },
];

export interface QueryFormRow {
  /** The form; 'as written' for the queries as the set holds them. */
  readonly form: string;
  readonly metrics: SearchMetrics;
}

/** The rows of the table: as written, then each form, hybrid at lexical weight `weight`. */
export async function queryFormRows(set: PreparedSet, model: string | undefined, weight: number, log: (line: string) => void): Promise<QueryFormRow[]> {
  const rows: QueryFormRow[] = [{ form: 'as written', metrics: searchQuerySet(set, 'hybrid', weight).all }];
  for (const { name, form } of FORMS) {
    const formed = await withQueryList(set, set.queries.map((q) => ({ ...q, query: form(q.query) })), `queries ${name}`, model, log);
    rows.push({ form: name, metrics: searchQuerySet(formed, 'hybrid', weight).all });
  }
  return rows;
}

export function queryFormTable(title: string, rows: readonly QueryFormRow[]): string {
  const cell = (m: SearchMetrics) => `${m.fileMrr10.toFixed(3)} / ${m.chunkMrr10.toFixed(3)}`;
  const requests = rows.slice(1, 1 + REQUEST_FRAMES.length);
  const mean = (pick: (m: SearchMetrics) => number) => (requests.reduce((sum, r) => sum + pick(r.metrics), 0) / requests.length).toFixed(3);
  return [
    `${title}: hybrid file / chunk MRR@10`,
    '',
    '| queries typed | file / chunk MRR@10 |',
    '|---|---|',
    ...rows.map((r) => `| ${r.form} | ${cell(r.metrics)} |`),
    `| mean of the ${requests.length} requests | ${mean((m) => m.fileMrr10)} / ${mean((m) => m.chunkMrr10)} |`,
    '',
  ].join('\n');
}
