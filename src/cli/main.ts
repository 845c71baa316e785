/**
 * `c2llm embed --input <texts.json> [--model <dir>] [--output <file>] [--device webgpu|cpu|reference|auto]
 *              [--max-length N] [--batch-size N] [--dtype auto|int8|q8]`; without --model, the bundled C2LLM-nano.
 * Writes {"dim": D, "embeddings": [[...], ...]} to --output or stdout; everything else goes to stderr.
 * `c2llm quantize --model <dir> --output <dir>`: the checkpoint in the int8 layout (cli/quantize.ts).
 * `c2llm index`, `c2llm merge`, `c2llm split` (cli/index-command.ts) and `c2llm search` (cli/search-command.ts): search indexes.
 * Any failure prints one line naming the file and tensor or field, and exits non-zero.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { C2llmError, InputError } from '../errors';
import { checkWritable, writeFileAtomic } from '../node/atomic-write';
import { oneEditAway } from '../search/query-correction';
import { embedWithProgress, loadEmbedder, MODEL_FLAGS, modelChoice } from './load-model';
import { ProgressLine } from './progress';
import { INDEX_USAGE, indexCommand, MERGE_USAGE, mergeCommand, SPLIT_USAGE, splitCommand } from './index-command';
import { QUANTIZE_USAGE, quantizeCommand } from './quantize';
import { SEARCH_USAGE, searchCommand } from './search-command';
import { version } from '../../package.json';

const EMBED_USAGE = 'usage: c2llm embed --input <texts.json> [--model <dir|repo id>] [--output <file>] [--device webgpu|cpu|reference|auto] [--max-length N] [--batch-size N] [--dtype auto|int8|q8] [--progress]';
const USAGE = [
  EMBED_USAGE,
  ...[QUANTIZE_USAGE, INDEX_USAGE, MERGE_USAGE, SPLIT_USAGE, SEARCH_USAGE].map((u) => `       ${u.replace('usage: ', '')}`),
  '       c2llm <command> --help    c2llm --version',
].join('\n');

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

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

async function embedCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...MODEL_FLAGS,
      input: { type: 'string' },
      output: { type: 'string' },
      'max-length': { type: 'string' },
      'batch-size': { type: 'string' },
      progress: { type: 'boolean' },
    },
    strict: true,
  });
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
    process.stderr.write(`c2llm: ${texts.length} texts in ${seconds.toFixed(2)} s; ${passes} forward pass(es), ${dispatches} dispatches, ${submits} submits\n`);
  } else {
    process.stderr.write(`c2llm: ${texts.length} texts in ${seconds.toFixed(2)} s\n`);
  }
  embedder.dispose();
  const pieces = embeddingsJson(embedder.dim, vectors);
  if (values.output) await writeFileAtomic(values.output, pieces);
  else for (const piece of pieces) await writeStdout(piece);
}

/** The longest --max-length accepted: far past any C2LLM's trained length, and safe to allocate for. */
const MAX_LENGTH_LIMIT = 32768;

const log = (line: string) => process.stderr.write(`${line}\n`);

function writeStdout(text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

const COMMANDS: Record<string, { readonly usage: string; run(argv: string[]): Promise<void> }> = {
  embed: { usage: EMBED_USAGE, run: embedCommand },
  quantize: { usage: QUANTIZE_USAGE, run: (argv) => quantizeCommand(argv, log) },
  index: { usage: INDEX_USAGE, run: (argv) => indexCommand(argv, log) },
  merge: { usage: MERGE_USAGE, run: (argv) => mergeCommand(argv, log) },
  split: { usage: SPLIT_USAGE, run: (argv) => splitCommand(argv, log) },
  search: { usage: SEARCH_USAGE, run: async (argv) => writeStdout(`${await searchCommand(argv, log)}\n`) },
};

const HELP = new Set(['--help', '-h']);

/**
 * The flag of a command's `usage` that an unknown `flag` most likely meant, where just one fits: the one
 * it begins (`--out`: `--output`), else the one a typo away (`--ouptut`, `--languages`).
 */
function meantFlag(flag: string, usage: string): string | undefined {
  const flags = [...new Set(usage.match(/--[a-z][a-z-]*/g))];
  const only = (found: string[]) => (found.length === 1 ? found[0] : undefined);
  const near = oneEditAway(flag.slice(2));
  return only(flags.filter((f) => f.startsWith(flag))) ?? only(flags.filter((f) => near.has(f.slice(2))));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  if (HELP.has(command) || (command === 'help' && rest.length === 0)) {
    await writeStdout(`${USAGE}\n`);
    return 0;
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    await writeStdout(`c2llm ${version}\n`);
    return 0;
  }
  const asked = command === 'help' ? COMMANDS[rest[0]] : undefined;
  const chosen = COMMANDS[command];
  if (asked || (chosen && rest.some((a) => HELP.has(a)))) {
    await writeStdout(`${(asked ?? chosen).usage}\n`);
    return 0;
  }
  try {
    if (!chosen) throw new InputError(`unknown command "${command === 'help' ? rest[0] : command}"\n${USAGE}`);
    await chosen.run(rest);
    return 0;
  } catch (error) {
    const parseError = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const known = error instanceof C2llmError || parseError;
    // Node's messages for an unknown flag (which also explains '--') and for a value that starts with '-'
    // (three lines) say what matters in one.
    const message = (error as Error).message
      .replace(/^Unknown option '([^']+)'.*$/s, (_, flag: string) => {
        const meant = chosen && flag.startsWith('--') ? meantFlag(flag, chosen.usage) : undefined;
        return `unknown option '${flag}'${meant ? ` (did you mean ${meant}?)` : ''}`;
      })
      .replace(/^Option '([^']+)' argument is ambiguous\..*$/s, "$1: a value that starts with '-' is written $1=<value>");
    process.stderr.write(`c2llm: ${known ? message : (error as Error).stack}\n${parseError && chosen ? `${chosen.usage}\n` : ''}`);
    return 1;
  }
}

// A reader that stops early (`c2llm search ... | head`) closes the pipe: that ends the output, not in a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
/** The arguments: from the command line, or from C2LLM_ARGV where bin/c2llm.js moved long ones (see there). */
function commandLine(): string[] {
  const moved = process.env.C2LLM_ARGV;
  if (moved === undefined) return process.argv.slice(2);
  delete process.env.C2LLM_ARGV;
  return JSON.parse(moved) as string[];
}

void main(commandLine()).then((code) => process.exit(code));
