/**
 * Queries that ask where a symbol is used, measured: each symbol query of a code-search set
 * (eval/data/symbol-*.jsonl: a name defined once in its codebase) asked as "where is N used", "callers of
 * N" and "who calls N", as "tests for N" and "where is N tested" (its uses in test files, file-kind.ts;
 * the names with any), beside the bare name and three frames that ask for its definition ("where is N
 * defined", "definition of N", "what does N do": symbol-query.ts). Its uses are the lines of the codebase's indexed files that
 * hold the name as a word and neither define it (symbol-query.ts) nor are a comment or docstring of the
 * file's language (chunk-kind.ts); names without any
 * are left out. A result is a hit when its chunk holds a use; MRR@10 dense / BM25 / hybrid, and how often
 * the first result is the definition's chunk (which hybrid lists first for the bare name).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commentLines } from '../src/search/chunk-kind';
import { isTestPath } from '../src/search/file-kind';
import type { SearchMode } from '../src/search/ranking';
import { definitionLine } from '../src/search/symbol-query';
import { readQueries, TABLE_MODES, withQueryList, type PreparedSet } from './code-search';

const FORMS: readonly { readonly name: string; readonly form: (name: string) => string; readonly inTests?: boolean }[] = [
  { name: '"where is N used"', form: (name) => `where is ${name} used` },
  { name: '"callers of N"', form: (name) => `callers of ${name}` },
  { name: '"who calls N"', form: (name) => `who calls ${name}` },
  { name: '"tests for N" (its uses in tests; names with any)', form: (name) => `tests for ${name}`, inTests: true },
  { name: '"where is N tested" (likewise)', form: (name) => `where is ${name} tested`, inTests: true },
  { name: 'N, the bare name (asks for its definition)', form: (name) => name },
  { name: '"where is N defined" (asks for its definition)', form: (name) => `where is ${name} defined` },
  { name: '"definition of N" (asks for its definition)', form: (name) => `definition of ${name}` },
  { name: '"what does N do" (asks for its definition)', form: (name) => `what does ${name} do` },
];

export interface UsageRow {
  readonly form: string;
  readonly queries: number;
  /** Per mode: MRR@10 of a chunk that holds a use, and the share of queries whose first result is the definition's chunk. */
  readonly metrics: Record<SearchMode, { readonly usesMrr10: number; readonly definitionFirst: number }>;
}

/** The rows: each form over `symbolQueries` (a symbol-*.jsonl) of `set`, whose codebases are under `codebases`. */
export async function usageRows(set: PreparedSet, symbolQueries: string, codebases: string, model: string | undefined, weight: number, log: (line: string) => void): Promise<UsageRow[]> {
  const symbols = readQueries(symbolQueries).map((q) => {
    const word = new RegExp(String.raw`(?<![\w$])${q.query.replace(/\$/g, '\\$')}(?![\w$])`);
    const uses = set.indexes.get(q.codebase)!.data.files.flatMap(({ path, language }) => {
      const text = readFileSync(join(codebases, q.codebase, path), 'utf8');
      const comments = commentLines(text, language);
      return text.split('\n').flatMap((line, i) => (comments[i] === false && word.test(line) && definitionLine(q.query, [line]) < 0 ? [{ path, line: i + 1 }] : []));
    });
    return { q, uses };
  }).filter(({ uses }) => uses.length > 0);
  const rows: UsageRow[] = [];
  for (const { name, form, inTests } of FORMS) {
    const asked = inTests ? symbols.map(({ q, uses }) => ({ q, uses: uses.filter((u) => isTestPath(u.path)) })).filter(({ uses }) => uses.length > 0) : symbols;
    const prepared = await withQueryList(set, asked.map(({ q }) => ({ ...q, query: form(q.query) })), `uses: ${name}`, model, log);
    const metrics = Object.fromEntries(
      TABLE_MODES.map((mode) => {
        let usesMrr10 = 0;
        let definitionFirst = 0;
        asked.forEach(({ q, uses }, i) => {
          const results = set.indexes.get(q.codebase)!.search({ ...prepared.searches[i], vector: prepared.vectors[i], text: prepared.searches[i].query }, 10, mode, weight);
          const hit = results.findIndex((r) => uses.some((u) => u.path === r.path && r.startLine <= u.line && u.line <= r.endLine));
          if (hit >= 0) usesMrr10 += 1 / (hit + 1);
          const first = results[0];
          if (first && first.path === q.targets[0] && first.startLine <= q.lines[0] && q.lines[0] <= first.endLine) definitionFirst++;
        });
        return [mode, { usesMrr10: usesMrr10 / asked.length, definitionFirst: definitionFirst / asked.length }];
      }),
    ) as UsageRow['metrics'];
    rows.push({ form: name, queries: asked.length, metrics });
  }
  return rows;
}

export function usageTable(title: string, rows: readonly UsageRow[]): string {
  return [
    `${title}: MRR@10 of a chunk that uses the name / share whose first result is its definition`,
    '',
    '| asked | names | dense | BM25 | hybrid |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.form} | ${r.queries} | ${TABLE_MODES.map((m) => `${r.metrics[m].usesMrr10.toFixed(3)} / ${r.metrics[m].definitionFirst.toFixed(2)}`).join(' | ')} |`),
    '',
  ].join('\n');
}
