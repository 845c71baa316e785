/**
 * The real index of the search benchmarks: the 8 codebases of ../shared/eval/nl-validation in one index
 * (paths under <codebase>/; `npm run eval -- --validation-only` builds their indexes in
 * .eval/index/validation first). replicate.ts makes it larger.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readIndexFile } from '../src/node/read-index';
import { mergeIndexData } from '../src/search/index-build';
import type { IndexData } from '../src/search/index-file';
import { under } from './replicate';

const INDEXES = '.eval/index/validation';

export async function validationIndex(): Promise<IndexData> {
  const names = readdirSync(INDEXES).filter((f) => f.endsWith('.c2idx')).sort();
  if (names.length === 0) throw new Error(`${INDEXES}: no indexes; run \`npm run eval -- --validation-only\` first`);
  const parts = [];
  for (const file of names) parts.push({ name: file, data: under(await readIndexFile(join(INDEXES, file)), file.replace(/\.c2idx$/, '')) });
  return mergeIndexData(parts);
}
