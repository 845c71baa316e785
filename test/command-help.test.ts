/**
 * Each command's --help (src/cli/command-help.ts) describes exactly the flags its parser takes, so that
 * the two cannot drift apart, in lines of at most 100 characters.
 */
import { describe, expect, test } from 'vitest';
import { flagsOf, helpText, type CommandHelp } from '../src/cli/command-help';
import { EMBED_HELP, EMBED_OPTIONS } from '../src/cli/embed-command';
import { INDEX_HELP, INDEX_OPTIONS, MERGE_HELP, MERGE_OPTIONS, SPLIT_HELP, SPLIT_OPTIONS } from '../src/cli/index-command';
import { QUANTIZE_HELP, QUANTIZE_OPTIONS } from '../src/cli/quantize';
import { SEARCH_HELP, SEARCH_OPTIONS } from '../src/cli/search-command';

const COMMANDS: [string, CommandHelp, object][] = [
  ['embed', EMBED_HELP, EMBED_OPTIONS],
  ['quantize', QUANTIZE_HELP, QUANTIZE_OPTIONS],
  ['index', INDEX_HELP, INDEX_OPTIONS],
  ['merge', MERGE_HELP, MERGE_OPTIONS],
  ['split', SPLIT_HELP, SPLIT_OPTIONS],
  ['search', SEARCH_HELP, SEARCH_OPTIONS],
];

describe('command help', () => {
  test.each(COMMANDS)('`c2llm %s --help` describes every flag its parser takes, and no other', (_, help, options) => {
    expect(flagsOf(help).sort()).toEqual(Object.keys(options).map((name) => `--${name}`).sort());
  });

  test.each(COMMANDS)('`c2llm %s --help` shows each short flag its parser takes beside the long one', (_, help, options) => {
    const shorts = Object.entries(options).flatMap(([name, option]: [string, { short?: string }]) => (option.short ? [`-${option.short}, --${name}`] : []));
    expect(help.flags.map(([flag]) => flag.split(' ').slice(0, 2).join(' ')).filter((flag) => /^-\w,/.test(flag))).toEqual(shorts);
  });

  test.each(COMMANDS)('`c2llm %s --help`: its usage first, lines of at most 100 characters', (_, help) => {
    const lines = helpText(help).split('\n');
    expect(lines[0]).toBe(help.usage);
    expect(lines.slice(1).filter((line) => line.length > 100)).toEqual([]);
  });

  test('a meaning is wrapped under its column; a flag too long for the column has its meaning below it', () => {
    const help: CommandHelp = {
      usage: 'usage: c2llm x',
      does: 'Does x.',
      flags: [
        ['--a', `${'word '.repeat(30)}end`],
        ['--a-flag-far-too-long-for-any-column <value>', 'its meaning'],
      ],
    };
    const lines = helpText(help).split('\n');
    const [first, second] = lines.slice(4);
    const column = first.indexOf('word');
    expect(first.startsWith('  --a ')).toBe(true);
    expect(second.slice(0, column).trim()).toBe('');
    expect(second.slice(column)).toMatch(/^word/);
    expect(lines.slice(-2)).toEqual(['  --a-flag-far-too-long-for-any-column <value>', `${' '.repeat(column)}its meaning`]);
  });
});
