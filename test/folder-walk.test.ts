import { describe, expect, test } from 'vitest';
import type { SkipReason } from '../src/search/corpus';
import { walkFolder, type FolderEntry, type FolderSource } from '../src/search/folder-walk';

/** A folder in memory: a string is a file's text, an object a subfolder, null a folder that cannot be listed. */
interface Tree {
  readonly [name: string]: string | Tree | null;
}

/** The tree as a FolderSource; `listed` records each folder the walk listed, by path. */
function memorySource(listed: string[]): FolderSource<{ path: string; tree: Tree | null }, string> {
  return {
    async list({ path, tree }) {
      listed.push(path);
      if (tree === null) return undefined;
      return Object.entries(tree).map(([name, value]): FolderEntry<{ path: string; tree: Tree | null }, string> =>
        typeof value === 'string' ? { name, file: value } : { name, folder: { path: path ? `${path}/${name}` : name, tree: value } },
      );
    },
    readText: async (text) => (text === '\u0000binary' ? undefined : text),
  };
}

async function walk(tree: Tree) {
  const listed: string[] = [];
  const skipped = new Map<string, SkipReason>();
  const files = await walkFolder({ path: '', tree }, memorySource(listed), skipped);
  return { paths: files.map((f) => f.path), texts: files.map((f) => f.file), listed, skipped: Object.fromEntries(skipped) };
}

describe('walkFolder (the CLI and the demo enter the same folders)', () => {
  test('dependency and build folders, and folders a .gitignore leaves out, are named once and never listed', async () => {
    const { paths, listed, skipped } = await walk({
      // the folder comes before the .gitignore that leaves it out, as a listing may order them
      artifacts: { 'gen.py': 'x = 1\n', deep: { 'more.py': 'y = 2\n' } },
      node_modules: { left: { 'index.js': '' } },
      src: { 'main.py': 'def main(): pass\n', '.gitignore': 'fixtures/\n', fixtures: { 'big.py': '' } },
      fixtures: { 'kept.py': '' },
      '.gitignore': 'artifacts/\n*.log\n',
      'run.log': 'a file rule is the indexer\'s to apply',
    });
    expect(paths).toEqual(['.gitignore', 'fixtures/kept.py', 'run.log', 'src/.gitignore', 'src/main.py']);
    expect(skipped).toEqual({ 'artifacts/': 'ignored', 'node_modules/': 'folder', 'src/fixtures/': 'ignored' });
    expect(listed.sort()).toEqual(['', 'fixtures', 'src']);
  });

  test('a deeper .gitignore takes a folder back in that a shallower one leaves out by a pattern', async () => {
    const { paths, skipped } = await walk({
      '.gitignore': 'gen*/\n',
      lib: { '.gitignore': '!generators/\n', generators: { 'make.py': '' }, gender: { 'out.py': '' } },
    });
    expect(paths).toEqual(['.gitignore', 'lib/.gitignore', 'lib/generators/make.py']);
    expect(skipped).toEqual({ 'lib/gender/': 'ignored' });
  });

  test("a .ignore leaves out folders git keeps, and takes back in one its folder's .gitignore leaves out", async () => {
    const { paths, skipped } = await walk({
      '.gitignore': 'api-out/\n',
      '.ignore': 'vendor-copy/\n!api-out/\n',
      'vendor-copy': { 'lib.py': '' },
      'api-out': { 'api.py': '' },
      src: { '.ignore': 'fixtures/\n', fixtures: { 'big.py': '' }, 'main.py': '' },
    });
    expect(paths).toEqual(['.gitignore', '.ignore', 'api-out/api.py', 'src/.ignore', 'src/main.py']);
    expect(skipped).toEqual({ 'vendor-copy/': 'ignored', 'src/fixtures/': 'ignored' });
  });

  test("the repository's .git/info/exclude leaves out what only this clone holds; .git itself is never entered", async () => {
    const { paths, skipped, listed } = await walk({
      '.git': { info: { exclude: 'scratch/\n*.local.py\n' }, objects: { ab: { cdef: '' } } },
      scratch: { 'try.py': '' },
      src: { 'main.py': '', 'db.local.py': '', '.git': { info: { exclude: 'main.py\n' } } },
    });
    // Its file rules are the indexer's to apply, as a .gitignore's are: the walk hands the file over.
    expect(paths).toEqual(['.git/info/exclude', 'src/db.local.py', 'src/main.py']);
    expect(skipped).toEqual({ '.git/': 'folder', 'scratch/': 'ignored', 'src/.git/': 'folder' });
    expect(listed.sort()).toEqual(['', '.git', '.git/info', 'src']);
  });

  test('a folder that cannot be listed, and names an index cannot hold, are named and the walk goes on', async () => {
    const { paths, skipped } = await walk({
      locked: null,
      'bell\u0007': { 'inside.py': '' },
      'tab\there.py': '',
      'lossy-\uFFFD.py': '',
      'ok.py': 'def ok(): pass\n',
    });
    expect(paths).toEqual(['ok.py']);
    expect(skipped).toEqual({ locked: 'unreadable', 'bell\u0007': 'unusual name', 'tab\there.py': 'unusual name', 'lossy-\uFFFD.py': 'unusual name' });
  });

  test('a .gitignore that is not text leaves nothing out', async () => {
    const { paths, skipped } = await walk({ '.gitignore': '\u0000binary', dist2: { 'a.py': '' } });
    expect(paths).toEqual(['.gitignore', 'dist2/a.py']);
    expect(skipped).toEqual({});
  });
});
