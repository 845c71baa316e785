/**
 * The `c2llm` command line: each command's --help (command-help.ts) and its run. `c2llm embed`
 * (cli/embed-command.ts): texts to vectors; `c2llm quantize` (cli/quantize.ts): the checkpoint in the int8
 * layout; `c2llm index`, `c2llm merge`, `c2llm split` (cli/index-command.ts) and `c2llm search`
 * (cli/search-command.ts): search indexes. Results go to stdout, everything else to stderr. Any failure
 * prints one line naming the file and tensor or field, and exits non-zero.
 */
import { createInterface } from 'node:readline';
import { C2llmError, InputError } from '../errors';
import { oneEditAway } from '../search/query-correction';
import { flagsOf, helpText, type CommandHelp } from './command-help';
import { EMBED_HELP, embedCommand } from './embed-command';
import { INDEX_HELP, indexCommand, MERGE_HELP, mergeCommand, SPLIT_HELP, splitCommand } from './index-command';
import { QUANTIZE_HELP, quantizeCommand } from './quantize';
import { SEARCH_HELP, searchCommand } from './search-command';
import { marksWanted } from './terminal-marks';
import { version } from '../../package.json';

const log = (line: string) => process.stderr.write(`${line}\n`);

function writeStdout(text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

/** Standard input's lines, read only once something asks for them (`c2llm search <index>` without a query). */
const stdinLines: AsyncIterable<string> = {
  [Symbol.asyncIterator]: () => createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false })[Symbol.asyncIterator](),
};

/** Output as lines: each ended by a newline, and nothing where there is none (`--vimgrep` without results). */
const lines = (text: string): string => (text === '' ? '' : `${text}\n`);

const COMMANDS: Record<string, { readonly help: CommandHelp; run(argv: string[]): Promise<void> }> = {
  embed: { help: EMBED_HELP, run: (argv) => embedCommand(argv, log, writeStdout) },
  quantize: { help: QUANTIZE_HELP, run: (argv) => quantizeCommand(argv, log) },
  index: { help: INDEX_HELP, run: (argv) => indexCommand(argv, log) },
  merge: { help: MERGE_HELP, run: (argv) => mergeCommand(argv, log) },
  split: { help: SPLIT_HELP, run: (argv) => splitCommand(argv, log) },
  search: { help: SEARCH_HELP, run: async (argv) => writeStdout(lines(await searchCommand(argv, log, { marked: marksWanted(process.stdout), lines: stdinLines, write: (text) => writeStdout(lines(text)) }))) },
};

/** Every command's usage line, as `c2llm --help` and a mistaken command print them. */
const USAGE = [
  ...Object.values(COMMANDS).map(({ help }, i) => (i === 0 ? help.usage : help.usage.replace('usage: ', '       '))),
  '       c2llm <command> --help    c2llm --version',
].join('\n');

const HELP = new Set(['--help', '-h']);

/**
 * The flag of a command that an unknown `flag` most likely meant, where just one fits: the one it begins
 * (`--out`: `--output`), else the one a typo away (`--ouptut`, `--languages`).
 */
function meantFlag(flag: string, help: CommandHelp): string | undefined {
  const flags = flagsOf(help);
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
    await writeStdout(`${helpText((asked ?? chosen).help)}\n`);
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
        const meant = chosen && flag.startsWith('--') ? meantFlag(flag, chosen.help) : undefined;
        return `unknown option '${flag}'${meant ? ` (did you mean ${meant}?)` : ''}`;
      })
      .replace(/^Option '([^']+)' argument is ambiguous\..*$/s, "$1: a value that starts with '-' is written $1=<value>");
    process.stderr.write(`c2llm: ${known ? message : (error as Error).stack}\n${parseError && chosen ? `${chosen.help.usage}\n` : ''}`);
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
