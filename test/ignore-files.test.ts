/**
 * .gitignore as git reads it, and .ignore beside it (search/ignore-files.ts): where each file's patterns
 * apply, which file wins, and that nothing under an ignored folder comes back in.
 */
import { expect, test } from 'vitest';
import { GIT_EXCLUDE, IgnoreFiles, isIgnoreFile } from '../src/search/ignore-files';

const rules = (files: Record<string, string>) => {
  const ignoreFiles = new IgnoreFiles();
  for (const [path, text] of Object.entries(files)) ignoreFiles.add(path, text);
  return ignoreFiles;
};

test('patterns apply below their own folder: a name anywhere, an anchored path at that folder only, a folder pattern to all inside it', () => {
  const ignore = rules({ '.gitignore': '*.pb.go\n/target\nout/\n', 'web/.gitignore': '/gen\n' });
  expect(ignore.ignores('api/user.pb.go')).toBe(true);
  expect(ignore.ignores('api/user.go')).toBe(false);
  expect(ignore.ignores('target/debug/main.rs')).toBe(true);
  expect(ignore.ignores('crates/target/main.rs')).toBe(false);
  expect(ignore.ignores('deep/out/a.js')).toBe(true);
  expect(ignore.ignores('web/gen/types.ts')).toBe(true);
  expect(ignore.ignores('gen/types.ts')).toBe(false);
  expect(ignore.ignores('web/src/gen/types.ts')).toBe(false);
});

test('a deeper .gitignore wins, a `!` takes a file back in, but nothing under an ignored folder comes back', () => {
  const ignore = rules({ '.gitignore': '*.generated.ts\nbuild/\n', 'src/.gitignore': '!keep.generated.ts\n', 'build/.gitignore': '!*.ts\n' });
  expect(ignore.ignores('src/api.generated.ts')).toBe(true);
  expect(ignore.ignores('src/keep.generated.ts')).toBe(false);
  expect(ignore.ignores('keep.generated.ts')).toBe(true);
  expect(ignore.ignores('build/main.ts')).toBe(true);
  expect(ignore.ignoredFolderOf('build/sub/main.ts')).toBe('build');
  expect(ignore.ignoredFolderOf('src/api.generated.ts')).toBeUndefined();
  expect([ignore.ignoresFolder('build'), ignore.ignoresFolder('src')]).toEqual([true, false]);
});

test("in one folder a .ignore's rules win over its .gitignore's, whichever is read first; a deeper .gitignore wins over both", () => {
  for (const order of [['.gitignore', '.ignore'], ['.ignore', '.gitignore']]) {
    const texts: Record<string, string> = { '.gitignore': 'gen/\n*.log\n', '.ignore': '!gen/\nfixtures/\n', 'src/.gitignore': '!fixtures/\n' };
    const ignore = rules(Object.fromEntries(order.map((name) => [name, texts[name]]).concat([['src/.gitignore', texts['src/.gitignore']]])));
    expect(ignore.ignoresFolder('gen')).toBe(false);
    expect(ignore.ignores('app.log')).toBe(true);
    expect(ignore.ignoresFolder('fixtures')).toBe(true);
    expect(ignore.ignoresFolder('src/fixtures')).toBe(false);
  }
  expect(['.ignore', 'src/.gitignore', 'a/.ignore', '.ignored', 'src/x.gitignore'].map(isIgnoreFile)).toEqual([true, true, true, false, false]);
});

test("patterns the user gives apply at the top after its files, so they win there; a deeper folder's file still wins below it", () => {
  const ignore = new IgnoreFiles(['tests/', '*.pb.go', '!keep.pb.go']);
  ignore.add('.gitignore', '!tests/\n');
  ignore.add('api/.gitignore', '!user.pb.go\n');
  expect(ignore.ignoresFolder('tests')).toBe(true);
  expect(ignore.ignores('src/tests/a.py')).toBe(true);
  expect([ignore.ignores('gen/msg.pb.go'), ignore.ignores('gen/keep.pb.go'), ignore.ignores('api/user.pb.go')]).toEqual([true, false, false]);
  expect(new IgnoreFiles(['docs/']).ignoresFolder('docs')).toBe(true); // with no file of the folder's at all
  expect(new IgnoreFiles().ignores('docs/a.md')).toBe(false);
});

test("the repository's .git/info/exclude applies to the whole folder, below its .gitignore's rules", () => {
  for (const order of [[GIT_EXCLUDE, '.gitignore'], ['.gitignore', GIT_EXCLUDE]]) {
    const texts: Record<string, string> = { [GIT_EXCLUDE]: 'scratch/\nnotes.py\n', '.gitignore': '!notes.py\n' };
    const ignore = rules(Object.fromEntries(order.map((name) => [name, texts[name]])));
    expect([ignore.ignoresFolder('scratch'), ignore.ignores('src/scratch/a.py'), ignore.ignores('notes.py')]).toEqual([true, true, false]);
  }
  expect(isIgnoreFile(GIT_EXCLUDE)).toBe(true);
  expect(isIgnoreFile('src/.git/info/exclude')).toBe(false); // a nested repository's, which git does not read for this one
});

test('no .gitignore leaves everything in', () => {
  expect(rules({}).ignores('src/a.ts')).toBe(false);
});
