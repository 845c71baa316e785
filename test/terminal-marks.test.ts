/** The query's words marked in a terminal (src/cli/terminal-marks.ts): only on a terminal without NO_COLOR, whole identifiers. */
import { describe, expect, test } from 'vitest';
import { marksWanted, withMarks } from '../src/cli/terminal-marks';
import { queryMatcher } from '../src/search/query-matches';

describe('terminal marks', () => {
  test('a terminal gets marks unless NO_COLOR is set; a pipe or a file never does', () => {
    expect(marksWanted({ isTTY: true }, {})).toBe(true);
    expect(marksWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(marksWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true); // no-color.org: set and not empty
    expect(marksWanted({ isTTY: false }, {})).toBe(false);
    expect(marksWanted({}, {})).toBe(false);
  });

  test('each identifier holding a word of the query is marked whole; the rest is left as it is', () => {
    const line = '356: def get_backoff_time(self):  # the backoff';
    expect(withMarks(line, queryMatcher('backoff time of a retry'))).toBe('356: def \u001b[1;31mget_backoff_time\u001b[0m(self):  # the \u001b[1;31mbackoff\u001b[0m');
    expect(withMarks(line, queryMatcher('parse a header'))).toBe(line);
  });
});
