/**
 * Which files of a codebase support its code rather than implement it: tests, examples, benchmarks,
 * documentation and build files (Makefile, CMake, Dockerfile, Bazel), C and C++ headers whose
 * definitions are in a source file of the same name, and code a tool wrote (isGenerated: protoc's, a
 * parser generator's, an ORM's, whose every message, field and rule restates the schema or grammar a
 * person wrote). Hybrid search lists the code a query describes before
 * them (fusion.ts's demotion) unless the query names them ("the test for ...", "an example of ...", "the
 * header file", "the makefile", "the generated code"): tests and READMEs restate the words and the
 * meaning of the code they exercise or explain, and took the first place from it in 13 of the 67
 * validation queries in users' words whose answer was not first; a header restates, in declarations and
 * their comments, what its source file does (docs/design.md).
 */
import { languageOf } from './corpus';

/** Folders whose files are tests, compared lowercased. */
const TEST_FOLDERS = new Set(['test', 'tests', 'testing', 'testdata', '__tests__', 'spec', 'specs']);
/** Folders whose files are examples, benchmarks or documentation (beside the tests' folders), compared lowercased. */
const OTHER_SUPPORTING_FOLDERS = new Set(['example', 'examples', '_examples', 'bench', 'benches', 'benchmark', 'benchmarks', 'doc', 'docs']);
/** The languages of build files (corpus.ts's names): they say how the code is built, not what it does. */
const BUILD_LANGUAGES = new Set(['make', 'cmake', 'dockerfile', 'starlark']);
/** Test files by name: foo_test.go, foo.test.ts, foo.spec.js, foo_spec.rb, gtest_unittest.cc, FooTest.java, test_foo.py. */
const TEST_FILE = /(?:[._](?:tests?|spec|unittest)|Tests?)\.[A-Za-z0-9]+$|^test_/;
/**
 * A query that asks for supporting files: "readme", "docs", "an example", "benchmarks", tests as tests
 * ("the test for …", "unit tests", "test case", "where is it tested"), "the header file", "the declaration of", build files
 * ("the makefile", "Dockerfile", "the docker image", "cmake", "the build script"), or "generated code" ("generated" alone
 * is left to mean what it says: "where are generated ids assigned"). "test" alone
 * is left to mean what it says in a codebase about testing ("split tests across machines", "typed test
 * suite error" over googletest's sources), and "header" alone what it says in web code (HTTP headers).
 */
const ASKS_FOR_SUPPORT =
  /\b(?:readme|docs?|documentation|examples?|benchmarks?|tested|makefiles?|docker(?:files?)?|cmake(?:lists)?|bazel)\b|\b(?:unit tests?|test cases?|tests? (?:for|of)|specs? (?:for|of)|header files?|declarations? (?:of|for)|build (?:files?|scripts?|rules?|targets?)|generated (?:code|files?|sources?))\b/i;
/** C, C++ and Objective-C headers, and the source files that define what they declare (corpus.ts's extensions of both). */
const C_HEADER = /\.(?:h|hh|hpp|hxx)$/;
const C_SOURCE = /\.(?:c|cc|cpp|cxx|mm)$/;

/** A file's name without its folders and its last extension: `src/gmock-spec-builders.cc` → `gmock-spec-builders`. */
const stem = (path: string): string => path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');

/** Whether `path` (a codebase-relative path, `/`-separated) is a test: in a test folder, or named as one. */
export function isTestPath(path: string): boolean {
  const parts = path.split('/');
  const name = parts.pop() ?? '';
  return parts.some((folder) => TEST_FOLDERS.has(folder.toLowerCase())) || TEST_FILE.test(name);
}

/**
 * Whether `path` (a codebase-relative path, `/`-separated) is a test, example, benchmark, document or build
 * file. The documents an index holds are Markdown (corpus.ts indexes no other prose files, and names their language).
 */
function isSupportingByPath(path: string): boolean {
  const parts = path.split('/');
  const language = languageOf(parts.pop() ?? '');
  return isTestPath(path) || parts.some((folder) => OTHER_SUPPORTING_FOLDERS.has(folder.toLowerCase())) || language === 'markdown' || BUILD_LANGUAGES.has(language);
}

/**
 * For each of an index's files (codebase-relative paths), whether it is a test, example, benchmark,
 * document or build file, or a C or C++ header with a source file of the same name anywhere in the index
 * (`include/gmock/gmock-spec-builders.h` beside `src/gmock-spec-builders.cc`; a header alone, or
 * `walker-inl.h`, whose definitions are its own, stays code).
 */
export function supportingFiles(paths: readonly string[]): boolean[] {
  const defined = new Set(paths.filter((p) => C_SOURCE.test(p)).map(stem));
  return paths.map((p) => isSupportingByPath(p) || (C_HEADER.test(p) && defined.has(stem(p))));
}

/** How far into a file a tool's "generated" comment is looked for (a licence or a tool's banner may come first). */
export const GENERATED_HEADER_LINES = 30;
/**
 * The comments tools write atop the code they generate: Go's `// Code generated … DO NOT EDIT.`
 * (golang.org/s/generatedcode), protoc's "Generated by the protocol buffer compiler.  DO NOT EDIT!",
 * Meta's `@generated` (Relay, Thrift, Buck), and any comment that says it was generated and not to edit it.
 */
const GENERATED_COMMENT = /^(?:\/\/|\/?\*|#|--|;|<!--|%).*(?:@generated\b|\b(?:auto-?)?generated\b.*\bdo(?: not|n't) edit\b)/i;

/** Whether a file's text, or a piece of it that begins at line `startLine`, says a tool generated the file, in a comment within its first GENERATED_HEADER_LINES lines. */
export function isGenerated(text: string, startLine = 1): boolean {
  return text.split('\n', Math.max(0, GENERATED_HEADER_LINES - startLine + 1)).some((line) => GENERATED_COMMENT.test(line.trim()));
}

/** Whether the query names tests, examples, benchmarks, documentation, header, build files or generated code, so they are not demoted. */
export const asksForSupportingFiles = (query: string): boolean => ASKS_FOR_SUPPORT.test(query);
