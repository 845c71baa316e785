/**
 * The CLI against hostile files and folders: an index that names another model (never loaded, read or
 * downloaded without --model), index paths that are not regular files (a FIFO, /dev/zero, a folder),
 * chunk texts and queries with terminal escape sequences (shown as escapes), and folders holding names
 * that are not valid UTF-8, names with control characters and a tree deeper than the path limit (each
 * skipped and named; the run completes), and a query longer than onnxruntime-node's command-line limit.
 * Every failure is one line on stderr, never a stack trace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { searchCommand } from '../src/cli/search-command';
import { decodeIndex, encodeIndex } from '../src/search/index-file';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'c2llm-hostile-cli-'));

function c2llm(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync('node', [join(ROOT, 'bin', 'c2llm.js'), ...args], { encoding: 'utf8', timeout: 120_000, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

const ESC = '\u001b';
const folder = join(work, 'corpus');
const index = join(work, 'corpus.c2idx');

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build:cli'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  mkdirSync(join(folder, 'src'), { recursive: true });
  writeFileSync(join(folder, 'src', 'retry.py'), `${ESC}]0;owned${'\u0007'}${ESC}[2J = 1\ndef retry(times):\n    for attempt in range(times):\n        pass\n`);
  writeFileSync(join(folder, 'src', 'ok.ts'), 'export const ok = () => 1;\n');
  // A name that is not valid UTF-8, and one with a newline and an escape character.
  writeFileSync(Buffer.concat([Buffer.from(join(folder, 'src', 'bad-')), Buffer.from([0xff, 0xfe]), Buffer.from('.py')]), 'x = 1\n');
  writeFileSync(join(folder, 'src', `evil\n${ESC}[31m.py`), 'y = 2\n');
  // A tree deeper than PATH_MAX (4096 bytes), made step by step from inside it.
  execFileSync('bash', ['-c', 'cd "$1" && for i in $(seq 1 40); do mkdir -p d1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890 && cd d12*; done && echo "z = 3" > deep.py', '_', folder]);
});

describe('the CLI against hostile inputs', () => {
  test('index: names that are not UTF-8 or hold control characters, and a tree past the path limit, are skipped and named; the run completes', () => {
    const { code, stderr } = c2llm(['index', folder, '--output', index, '--device', 'cpu']);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).toMatch(/skipped \((unusual name)\): .*src\/bad-\uFFFD\uFFFD\.py/);
    expect(stderr).toMatch(/src\/evil\\n\\x1b\[31m\.py/);
    expect(stderr).toMatch(/skipped \(unreadable\): .*d1234/);
    expect(decodeIndex(index, readFileSync(index)).files.map((f) => f.path)).toEqual(['src/ok.ts', 'src/retry.py']);
  });

  test('a file over the size limit is named as too large (a notebook may be 8 times it); --max-file-kb raises the limit and it is indexed', () => {
    const big = join(work, 'big');
    mkdirSync(big);
    writeFileSync(join(big, 'generated.js'), `${'export const value = 1;\n'.repeat(30_000)}`); // about 700 KB
    // A notebook of the same size, its bytes mostly an image's output, is read: it may be 8 times the limit.
    const cell = { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [{ data: { 'image/png': 'A'.repeat(700_000) }, output_type: 'display_data' }], source: ['plot(sales)'] };
    writeFileSync(join(big, 'plots.ipynb'), JSON.stringify({ cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1));
    const output = join(work, 'big.c2idx');
    const limited = c2llm(['index', big, '--output', output, '--device', 'cpu']);
    expect(limited.code, limited.stderr).toBe(0);
    expect(limited.stderr).toMatch(/skipped \(too large, over 512 KiB: --max-file-kb raises the limit\): generated\.js\n/);
    expect(decodeIndex(output, readFileSync(output)).files.map((f) => f.path)).toEqual(['plots.ipynb']);
    const both = c2llm(['index', big, '--output', output, '--device', 'cpu', '--max-file-kb', '64']);
    expect(both.stderr).toMatch(/skipped \(too large, over 64 KiB \(a notebook 512 KiB\): --max-file-kb raises the limit\): generated\.js, plots\.ipynb\n/);
    const raised = c2llm(['index', big, '--output', output, '--device', 'cpu', '--max-file-kb', '1024']);
    expect(raised.code, raised.stderr).toBe(0);
    expect(decodeIndex(output, readFileSync(output)).files.map((f) => f.path)).toEqual(['generated.js', 'plots.ipynb']);
    expect(c2llm(['index', big, '--output', output, '--max-file-kb', 'lots']).stderr).toMatch(/--max-file-kb must be a positive integer \(KiB\), got "lots"/);
  });

  test('search: control characters in chunk texts and queries are shown as escapes, never sent to the terminal', () => {
    const { code, stdout, stderr } = c2llm(['search', '--index', index, '--query', `owned ${ESC}[2J`, '--mode', 'lexical']);
    expect(code, stderr).toBe(0);
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(stdout).toContain('owned \\x1b[2J');
    expect(stdout).toContain('\\x1b]0;owned\\x07\\x1b[2J = 1');
  });

  test('search on a terminal marks the query\'s words, and those marks are the only escapes it writes', async () => {
    const plain = c2llm(['search', '--index', index, '--query', `owned ${ESC}[2J`, '--mode', 'lexical']).stdout;
    const marked = await searchCommand(['--index', index, '--query', `owned ${ESC}[2J`, '--mode', 'lexical'], () => undefined, { marked: true });
    expect(marked).toContain(`\\x1b]0;${ESC}[1;31mowned${ESC}[0m\\x07`);
    expect(marked.replace(/\u001b\[(1;31|0)m/g, '')).toBe(plain.trimEnd());
  });

  test('search: an index naming another model is refused without --model; nothing is downloaded or read for it', () => {
    const data = decodeIndex(index, readFileSync(index));
    const cache = mkdtempSync(join(work, 'hub-'));
    for (const id of ['test-org/tiny', '/etc']) {
      const other = join(work, `other-${id.replace(/\W/g, '')}.c2idx`);
      writeFileSync(other, encodeIndex({ ...data, model: { id, fingerprint: `sha256:${'0'.repeat(64)}` } }));
      const { code, stderr } = c2llm(['search', '--index', other, '--query', 'retry'], { ...process.env, HF_HUB_CACHE: cache, HF_ENDPOINT: 'http://127.0.0.1:1' });
      expect(code).toBe(1);
      expect(oneLine(stderr)).toContain(`was made with another model (${id}, sha256:000000000000…) than the bundled C2LLM-nano (sha256:`);
      expect(stderr).toMatch(/…\): pass --model <that model's folder or Hub repo id> to search it/);
    }
    expect(readdirSync(cache)).toEqual([]);
  });

  test('a query of 40 KB on the cpu device (onnxruntime-node crashes in a process with a command line past ~30 KB): results, exit 0', () => {
    const { code, stdout, stderr } = c2llm(['search', '--index', index, '--query', 'retry '.repeat(7000), '--device', 'cpu', '--k', '1']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/1\. src\/retry\.py:1-/);
  });

  test.each([
    ['a FIFO', () => (execFileSync('mkfifo', [join(work, 'fifo.c2idx')]), join(work, 'fifo.c2idx')), /is not a regular file/],
    ['/dev/zero', () => '/dev/zero', /is not a regular file/],
    ['a split index whose manifest.json is a FIFO', () => (mkdirSync(join(work, 'piped-split')), execFileSync('mkfifo', [join(work, 'piped-split', 'manifest.json')]), join(work, 'piped-split')), /piped-split\/manifest\.json: is not a regular file \(a folder, device or pipe\)/],
    ['a sparse file of 1 TiB', () => (writeFileSync(join(work, 'sparse.c2idx'), ''), truncateSync(join(work, 'sparse.c2idx'), 2 ** 40), join(work, 'sparse.c2idx')), /sparse\.c2idx: is 1099511627776 bytes, more than this process can hold$/],
    ['a split index whose manifest.json is not JSON', () => (mkdirSync(join(work, 'torn-split')), writeFileSync(join(work, 'torn-split', 'manifest.json'), '{"format'), join(work, 'torn-split')), /torn-split\/manifest\.json: not valid UTF-8 JSON/],
  ])('search --index %s is one line, at once', (_, make, message) => {
    const started = performance.now();
    const { code, stderr } = c2llm(['search', '--index', make(), '--query', 'x']);
    expect(code).toBe(1);
    expect(oneLine(stderr)).toMatch(message);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(existsSync(join(work, 'fifo.c2idx.tmp'))).toBe(false);
  });
});
