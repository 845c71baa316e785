#!/usr/bin/env node
/**
 * Tokenizes the training corpus with the same library and prompts the engine uses, so that the model is
 * trained on exactly the token ids it will see at inference.
 *
 *   node tools/train/tokenize.mjs count  TOKENIZER_DIR OUT.json  IN.jsonl...   token frequencies
 *   node tools/train/tokenize.mjs encode TOKENIZER_DIR OUT.jsonl IN.jsonl      {q: ids, d: ids} per pair
 *
 * Queries get the code-search instruction, documents the "Retrieved Answer:" prefix (src/text/prompts.ts);
 * documents are cut to DOC_TOKENS and queries to QUERY_TOKENS, keeping the first tokens.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { createReadStream, readFileSync, renameSync, writeFileSync, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const QUERY_INSTRUCTION = 'Retrieve the code that solves the following query:\n';
const DOCUMENT_PREFIX = 'Retrieved Answer:';
const QUERY_TOKENS = 64;
const DOC_TOKENS = Number(process.env.DOC_TOKENS ?? 256);

const [mode, tokenizerDir, out, ...inputs] = process.argv.slice(2);
if (!['count', 'encode'].includes(mode) || !tokenizerDir || !out || inputs.length === 0) {
  console.error('usage: tokenize.mjs count|encode TOKENIZER_DIR OUT IN.jsonl...');
  process.exit(2);
}
const tokenizer = new Tokenizer(
  JSON.parse(readFileSync(join(tokenizerDir, 'tokenizer.json'), 'utf8')),
  JSON.parse(readFileSync(join(tokenizerDir, 'tokenizer_config.json'), 'utf8')),
);
const ids = (text, limit) => tokenizer.encode(text, { add_special_tokens: false }).ids.slice(0, limit);

async function* pairs(file) {
  for await (const line of createInterface({ input: createReadStream(file) })) if (line) yield JSON.parse(line);
}

if (mode === 'count') {
  const counts = new Map();
  for (const file of inputs)
    for await (const pair of pairs(file))
      for (const id of [...ids(QUERY_INSTRUCTION + pair.query, 1e9), ...ids(DOCUMENT_PREFIX + pair.code, 1e9)])
        counts.set(id, (counts.get(id) ?? 0) + 1);
  writeFileSync(out, JSON.stringify(Object.fromEntries(counts)));
} else {
  const tmp = `${out}.tmp`;
  const stream = createWriteStream(tmp);
  for await (const pair of pairs(inputs[0])) {
    const line = JSON.stringify({ q: ids(QUERY_INSTRUCTION + pair.query, QUERY_TOKENS), d: ids(DOCUMENT_PREFIX + pair.code, DOC_TOKENS) });
    if (!stream.write(line + '\n')) await new Promise((resolve) => stream.once('drain', resolve));
  }
  await new Promise((resolve) => stream.end(resolve));
  renameSync(tmp, out);
}
