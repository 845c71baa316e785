/**
 * `c2llm embed --input <texts.json> [--model <dir|repo id>] [--output <file>] [--device ...] [--max-length N]
 *  [--batch-size N] [--dtype auto|int8|q8] [--progress]`: embeds the texts exactly as given with the model
 * (without --model, the bundled C2LLM-nano) and writes {"dim": D, "embeddings": [[...], ...]} to --output
 * (whole or not at all) or stdout, in pieces, never one giant string; diagnostics go to `log` (stderr).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TEXTS_PER_PASS } from '../batching';
import { DEFAULT_MAX_LENGTH } from '../embedder';
import { InputError } from '../errors';
import { checkWritable, writeFileAtomic } from '../node/atomic-write';
import type { CommandHelp } from './command-help';
import { OUTPUT_OPTION, positiveInt } from './flag-values';
import { embedWithProgress, loadEmbedder, MODEL_FLAG_HELP, MODEL_FLAGS, modelChoice } from './load-model';
import { ProgressLine } from './progress';

export const EMBED_USAGE = 'usage: c2llm embed --input <texts.json> [--model <dir|repo id>] [--output <file>] [--device webgpu|cpu|reference|auto] [--max-length N] [--batch-size N] [--dtype auto|int8|q8] [--progress]';
/** The longest --max-length accepted: far past any C2LLM's trained length, and safe to allocate for. */
const MAX_LENGTH_LIMIT = 32768;
export const EMBED_HELP: CommandHelp = {
  usage: EMBED_USAGE,
  does: 'Embeds texts exactly as given (no instruction or prefix added) and writes {"dim": D, "embeddings": [[...], ...]}: one L2-normalised vector per text, in their order.',
  flags: [
    ['--input <texts.json>', 'a JSON array of strings'],
    ['-o, --output <file>', 'where the JSON goes, written whole or not at all (default: stdout)'],
    ['--max-length N', `the tokens of each text that are read (default ${DEFAULT_MAX_LENGTH}, at most ${MAX_LENGTH_LIMIT})`],
    ['--batch-size N', `texts embedded together (default ${TEXTS_PER_PASS})`],
    ['--progress', 'a progress line on stderr (always on a terminal)'],
    ...MODEL_FLAG_HELP,
  ],
  examples: ['c2llm embed --input texts.json --output vectors.json', 'c2llm embed --input texts.json --model codefuse-ai/C2LLM-0.5B --dtype int8'],
};

export const EMBED_OPTIONS = {
  ...MODEL_FLAGS,
  input: { type: 'string' },
  output: OUTPUT_OPTION,
  'max-length': { type: 'string' },
  'batch-size': { type: 'string' },
  progress: { type: 'boolean' },
} as const;

async function readTexts(file: string): Promise<string[]> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (cause) {
    throw new InputError(`${file}: cannot be read (${(cause as Error).message})`, { cause });
  }
  let texts: unknown;
  try {
    texts = JSON.parse(raw);
  } catch (cause) {
    throw new InputError(`${file}: is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (!Array.isArray(texts)) throw new InputError(`${file}: must be a JSON array of strings`);
  const bad = texts.findIndex((t) => typeof t !== 'string');
  if (bad >= 0) throw new InputError(`${file}: element ${bad} is ${JSON.stringify(texts[bad])?.slice(0, 40)}, not a string`);
  return texts as string[];
}

/** {"dim": D, "embeddings": [[...], ...]} in pieces of at most 256 vectors, never one giant string. */
function* embeddingsJson(dim: number, vectors: readonly Float32Array[]): Generator<string> {
  yield `{"dim":${dim},"embeddings":[`;
  for (let start = 0; start < vectors.length; start += 256) {
    yield vectors.slice(start, start + 256).map((v, i) => `${start + i > 0 ? ',' : ''}[${Array.from(v).join(',')}]`).join('');
  }
  yield ']}\n';
}

/** `out`: writes a piece of stdout, waiting for it to drain. */
export async function embedCommand(argv: string[], log: (line: string) => void, out: (text: string) => Promise<void>): Promise<void> {
  const { values } = parseArgs({ args: argv, options: EMBED_OPTIONS, strict: true });
  if (!values.input) throw new InputError(`--input is required\n${EMBED_USAGE}`);
  const choice = await modelChoice(values);
  const maxLength = positiveInt('max-length', values['max-length']);
  if (maxLength !== undefined && maxLength > MAX_LENGTH_LIMIT) throw new InputError(`--max-length must be at most ${MAX_LENGTH_LIMIT} tokens, got ${maxLength}`);
  if (values.output) await checkWritable(values.output);
  const texts = await readTexts(values.input);
  const embedder = await loadEmbedder(choice, log, {
    maxLength,
    batchSize: positiveInt('batch-size', values['batch-size']),
  });
  const { backend } = embedder;
  const started = performance.now();
  const vectors = await embedWithProgress(embedder, texts, new ProgressLine(texts.length, 'texts', values.progress === true));
  const seconds = (performance.now() - started) / 1000;
  if (backend.gpuInfo) {
    const { dispatches, submits, passes } = backend.stats;
    log(`c2llm: ${texts.length} texts in ${seconds.toFixed(2)} s; ${passes} forward pass(es), ${dispatches} dispatches, ${submits} submits`);
  } else {
    log(`c2llm: ${texts.length} texts in ${seconds.toFixed(2)} s`);
  }
  embedder.dispose();
  const pieces = embeddingsJson(embedder.dim, vectors);
  if (values.output) await writeFileAtomic(values.output, pieces);
  else for (const piece of pieces) await out(piece);
}
