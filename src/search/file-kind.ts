/**
 * Which files of a codebase support its code rather than implement it: tests, examples, benchmarks and
 * documentation. Hybrid search lists the code a query describes before them (fusion.ts's demotion)
 * unless the query names them ("the test for ...", "an example of ..."): tests and READMEs restate the
 * words and the meaning of the code they exercise or explain, and took the first place from it in 13 of
 * the 67 validation queries in users' words whose answer was not first (docs/design.md).
 */
import { languageOf } from './corpus';

/** Folders whose files are tests, examples, benchmarks or documentation, compared lowercased. */
const SUPPORTING_FOLDERS = new Set(['test', 'tests', 'testing', 'testdata', '__tests__', 'spec', 'specs', 'example', 'examples', '_examples', 'bench', 'benches', 'benchmark', 'benchmarks', 'doc', 'docs']);
/** Test files by name: foo_test.go, foo.test.ts, foo.spec.js, foo_spec.rb, gtest_unittest.cc, FooTest.java, test_foo.py. */
const TEST_FILE = /(?:[._](?:tests?|spec|unittest)|Tests?)\.[A-Za-z0-9]+$|^test_/;
/**
 * A query that asks for supporting files: "readme", "docs", "an example", "benchmarks", or tests as tests
 * ("the test for …", "unit tests", "test case"). "test" alone is left to mean what it says in a codebase
 * about testing ("split tests across machines", "typed test suite error" over googletest's sources).
 */
const ASKS_FOR_SUPPORT = /\b(?:readme|docs?|documentation|examples?|benchmarks?)\b|\b(?:unit tests?|test cases?|tests? (?:for|of)|specs? (?:for|of))\b/i;

/**
 * Whether `path` (a codebase-relative path, `/`-separated) is a test, example, benchmark or document. The
 * documents an index holds are Markdown (corpus.ts indexes no other prose files, and names their language).
 */
export function isSupportingFile(path: string): boolean {
  const parts = path.split('/');
  const name = parts.pop() ?? '';
  return parts.some((folder) => SUPPORTING_FOLDERS.has(folder.toLowerCase())) || TEST_FILE.test(name) || languageOf(name) === 'markdown';
}

/** Whether the query names tests, examples, benchmarks or documentation, so they are not demoted. */
export const asksForSupportingFiles = (query: string): boolean => ASKS_FOR_SUPPORT.test(query);
