/**
 * Queries that name a file (src/search/path-query.ts): one token with a '.' or '/', matched without
 * regard to case against the end of each path on whole folder names; a query of words, or an end that
 * cuts a folder's name, names no file.
 */
import { describe, expect, test } from 'vitest';
import { filesNamed, pathOfQuery } from '../src/search/path-query';

const PATHS = ['src/mux.go', 'src/tree.go', 'middleware/logger.go', 'Logger.php', 'lib/Handler/Logger.php', 'languages/__init__.py', '__init__.py', 'xmux.go'];
const named = (query: string) => {
  const end = pathOfQuery(query);
  return end === undefined ? [] : [...filesNamed(end, PATHS)].map((i) => PATHS[i]);
};

describe('file-name queries', () => {
  test('a name or a path\'s end, in any case, with a leading ./ or / or Windows separators', () => {
    expect(named('mux.go')).toEqual(['src/mux.go']);
    expect(named('  ./src/tree.go ')).toEqual(['src/tree.go']);
    expect(named('middleware\\logger.go')).toEqual(['middleware/logger.go']);
    expect(named('logger.php')).toEqual(['Logger.php', 'lib/Handler/Logger.php']);
    expect(named('handler/LOGGER.PHP')).toEqual(['lib/Handler/Logger.php']);
    expect(named('__init__.py')).toEqual(['languages/__init__.py', '__init__.py']);
  });

  test('words, a cut folder name, a folder, or a qualified name that is no file name none', () => {
    for (const query of ['tree go', 'ux.go', 'andler/Logger.php', 'src/', 'os.path.join', 'mux', '']) expect(named(query)).toEqual([]);
    expect(pathOfQuery('how does mux.go route')).toBeUndefined();
  });
});
