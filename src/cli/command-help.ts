/**
 * What `c2llm <command> --help` prints: the command's usage line, what it does, each of its arguments and
 * flags with what it means, and examples. The flags listed here are also those an unknown flag is
 * compared with ("did you mean --output?").
 */

/** An argument or flag as typed (`--k N`, `<folder>`), and what it means. */
export type FlagHelp = readonly [flag: string, meaning: string];

export interface CommandHelp {
  readonly usage: string;
  /** What the command does, in a sentence or two. */
  readonly does: string;
  readonly flags: readonly FlagHelp[];
  readonly examples?: readonly string[];
}

const WIDTH = 100;

/** `text` cut at spaces into lines of at most WIDTH characters, the first after `first` and the rest after `indent`. */
function wrapped(text: string, first: string, indent: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

export function helpText(help: CommandHelp): string {
  const column = Math.min(26, Math.max(...help.flags.map(([flag]) => flag.length)) + 4);
  return [
    help.usage,
    '',
    ...wrapped(help.does, '', ''),
    '',
    ...help.flags.flatMap(([flag, meaning]) => {
      const head = `  ${flag}`;
      const indent = ' '.repeat(column);
      // A flag too long for the column has its meaning on the lines below it.
      return head.length + 2 <= column ? wrapped(meaning, head.padEnd(column), indent) : [head, ...wrapped(meaning, indent, indent)];
    }),
    ...(help.examples ? ['', 'examples:', ...help.examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}

/** The `--flags` a command takes, as its help lists them. */
export const flagsOf = (help: CommandHelp): string[] => [...new Set(help.flags.map(([flag]) => flag).join(' ').match(/--[a-z][a-z-]*/g))];
