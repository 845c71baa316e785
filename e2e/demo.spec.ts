/**
 * The demo, built and served as a user gets it, in headless Chromium with real WebGPU (SwiftShader):
 * load a model from a local Hub-layout server, index a folder through the folder input, search,
 * reload and find the index restored; hostile file names and content render as text.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_PORT, HUB_PORT } from '../playwright.config';

const HUB = `http://127.0.0.1:${HUB_PORT}`;
test.use({ baseURL: `http://127.0.0.1:${DEMO_PORT}` });

const XSS_NAME = '<img src=x onerror=window.__xssName=1>.js';

/** The sample folder "sample-project": code (a notebook among it), and what indexing leaves out (a dependency folder, a .gitignore'd one, a lock file, an image). */
const SAMPLE_FILES: Record<string, string | Buffer> = {
  // A class of 26 lines is a chunk taller than a result's box, its last method the one a fibonacci query finds.
  'math/fib.py':
    'def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n\ndef factorial(n):\n    return 1 if n < 2 else n * factorial(n - 1)\n\n\n' +
    'class Sequences:\n    """Integer sequences, one method each, for the tables of the docs."""\n\n' +
    ['squares: i * i', 'cubes: i * i * i', 'triangles: i * (i + 1) // 2', 'evens: 2 * i', 'odds: 2 * i + 1', 'powers_of_two: 2 ** i', 'pentagonals: i * (3 * i - 1) // 2']
      .map((method) => method.split(': '))
      .map(([name, term]) => `    def ${name}(self, n):\n        return [${term} for i in range(n)]\n\n`)
      .join('') +
    '    def fibonacci_table(self, n):\n        return [fibonacci(i) for i in range(n)]\n',
  'web/server.ts': 'import { createServer } from "node:http";\n\nexport function start(port: number) {\n  return createServer((req, res) => res.end("ok")).listen(port);\n}\n',
  'tools/util.go': 'package tools\n\nfunc Reverse(s string) string {\n\tr := []rune(s)\n\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {\n\t\tr[i], r[j] = r[j], r[i]\n\t}\n\treturn string(r)\n}\n',
  'README.md': '# Sample project\n\nA few functions to search.\n',
  // A Jupyter notebook as Jupyter writes it: its code cell read at the notebook file's own lines, its output image not.
  'analysis/sales.ipynb': `${JSON.stringify(
    {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Sales'] },
        { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [{ data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {}, output_type: 'display_data' }], source: ['def monthly_totals(frame):\n', '    return frame.groupby("month").total.sum()'] },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  )}\n`,
  [XSS_NAME]: '<script>window.__xssScript = 1</script>\nconst html = "<img src=x onerror=window.__xssContent=1>";\n',
  'node_modules/junk/index.js': 'module.exports = "should be skipped";\n',
  '.gitignore': 'proto/\n',
  'proto/generated.py': 'def generated_stub():\n    pass\n',
  'bell\u0007.py': 'def ring():\n    pass\n', // a name an index may not hold: skipped, or the page's own index would not load
  'package-lock.json': '{"lockfileVersion": 3}\n',
  'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
};

/** The line of the sample notebook's file where its code cell's source begins. */
const SALES_CELL_LINE = (SAMPLE_FILES['analysis/sales.ipynb'] as string).split('\n').findIndex((line) => line.includes('def monthly_totals')) + 1;

/** The sample folder on disk, for the folder input. */
function makeCorpus(): string {
  const root = mkdtempSync(join(tmpdir(), 'c2llm-corpus-'));
  const dir = join(root, 'sample-project');
  for (const [path, content] of Object.entries(SAMPLE_FILES)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function hubGets(): Promise<Record<string, number>> {
  return (await fetch(`${HUB}/__stats`)).json();
}

/** What the page lists as skipped in the sample folder, the same whichever way it was given. */
async function expectSampleSkipped(page: Page): Promise<void> {
  await expect(page.locator('#corpus-status')).toContainText('5 files skipped');
  await page.locator('#skipped summary').click();
  await expect(page.locator('#skipped summary')).toHaveText('5 files skipped, 1 folder not entered: which and why');
  await expect(page.locator('#skipped li')).toHaveText([
    'node_modules/ (dependency, VCS or build folder)',
    '.gitignore (not code)',
    'bell\u0007.py (a name with control characters)',
    'logo.png (not code)',
    'package-lock.json (lock file)',
    'proto/ (left out by a .gitignore, .ignore or .git/info/exclude)',
  ]);
}

/** Picks the sample folder in the page and waits until it is indexed. */
async function indexSample(page: Page): Promise<void> {
  await page.getByLabel('Choose folder').setInputFiles(makeCorpus());
  await expect(page.locator('#corpus-status')).toContainText('Indexed “sample-project”', { timeout: 120_000 });
}

async function waitForModel(page: Page): Promise<void> {
  await expect(page.locator('#model-status')).toContainText('Model:', { timeout: 120_000 });
}

test('load from the Hub layout, index a folder, search, reload restores the index', async ({ page }, testInfo) => {
  page.on('dialog', (dialog) => dialog.dismiss());
  await page.goto(`/?model=test-org/tiny&host=${encodeURIComponent(HUB)}&device=webgpu`);
  await expect(page.locator('#download')).toBeVisible();
  await waitForModel(page);
  await expect(page.locator('#model-status')).toContainText('WebGPU: ');
  await expect(page.locator('#model-status')).toContainText(/0\.\d MB downloaded/);
  const afterFirstLoad = await hubGets();
  expect(afterFirstLoad['/test-org/tiny/resolve/main/model.safetensors']).toBe(1);

  await indexSample(page);
  await expect(page.locator('#corpus-status')).toContainText('6 files');
  // The same rules and count as `c2llm index`: a dependency folder is not entered (and not counted as files), and
  // what the folder's .gitignore leaves out is skipped.
  await expectSampleSkipped(page);
  await page.screenshot({ path: testInfo.outputPath('indexed.png'), fullPage: true });

  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('compute the fibonacci numbers');
  await search.press('Enter');
  const results = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
  await expect(results.first()).toBeVisible();
  expect(await results.count()).toBeGreaterThanOrEqual(5);
  const listed = await page.locator('.result-path').allTextContents();
  expect(listed.some((p) => p.startsWith('math/fib.py:'))).toBe(true);
  // Each result's code is scrolled to the line that best shows the query: the class to its fibonacci method, the function not at all.
  const view = (path: string) =>
    page.locator('#results li', { hasText: path }).locator('pre').evaluate((pre) => {
      const lineHeight = parseFloat(getComputedStyle(pre).lineHeight);
      const methodTop = parseFloat(getComputedStyle(pre).paddingTop) + pre.textContent!.split('\n').findIndex((line) => line.includes('def fibonacci')) * lineHeight;
      return { scrollTop: pre.scrollTop, methodShown: methodTop >= pre.scrollTop && methodTop + lineHeight <= pre.scrollTop + pre.clientHeight };
    });
  expect(await view('math/fib.py:12–37')).toEqual({ scrollTop: expect.any(Number), methodShown: true });
  expect((await view('math/fib.py:12–37')).scrollTop).toBeGreaterThan(0);
  expect(await view('math/fib.py:1–9')).toEqual({ scrollTop: 0, methodShown: true });
  // The query's words are marked in the code, as the search box marks them.
  expect(await page.locator('#results li', { hasText: 'math/fib.py:1–9' }).locator('mark').allTextContents()).toEqual(['fibonacci']);
  expect(listed.some((p) => p.startsWith(`${XSS_NAME}:1–2`))).toBe(true);
  expect(listed.some((p) => p.includes('node_modules'))).toBe(false);
  await expect(page.locator('#results')).toContainText('<script>window.__xssScript = 1</script>');
  await expect(page.locator('#results img, #results script')).toHaveCount(0);
  expect(await page.evaluate(() => Object.keys(window).filter((k) => k.startsWith('__xss')))).toEqual([]);
  await expect(page.locator('#search-status')).toContainText(/results of \d+ chunks of “.+”, ranked by meaning and words, in \d+ ms/);
  // The notebook's code cell is found, at the notebook file's lines, its output left out.
  await search.fill('monthly totals of a frame');
  await search.press('Enter');
  await expect(page.locator('.result-path', { hasText: 'analysis/sales.ipynb' })).toHaveText(`analysis/sales.ipynb:${SALES_CELL_LINE}–${SALES_CELL_LINE + 1}`);
  await expect(page.locator('#results')).not.toContainText('iVBOR');
  // A last word cut short (as at a pause in typing) is searched completed from the index's words, a misspelt word corrected.
  await search.fill('compute the fibonacci numb');
  await search.press('Enter');
  await expect(page.locator('#search-status')).toContainText(/results for “compute the fibonacci number” of \d+ chunks/);
  await search.fill('start the server fucntion ');
  await search.press('Enter');
  await expect(page.locator('#search-status')).toContainText(/results for “start the server function” of \d+ chunks/);
  await search.fill('compute the fibonacci numbers');
  await search.press('Enter');
  await expect(page.locator('#search-status')).toContainText(/results of \d+ chunks/);
  // The filters choose the chunks before ranking: kept to Go, or to math/, those files' chunks alone answer.
  const paths = () => page.locator('.result-path').allTextContents();
  await page.getByLabel('Language').selectOption('go');
  await expect(page.locator('#search-status')).toContainText('chunks of “sample-project” (those in go), ranked');
  expect((await paths()).map((p) => p.split(':')[0])).toEqual(['tools/util.go']);
  await page.getByLabel('Language').selectOption('');
  // Typed key by key: "/" is the page's shortcut to the search box everywhere but in a field that takes it as text.
  await page.getByLabel('In folder').pressSequentially('math/');
  await expect(page.getByLabel('In folder')).toHaveValue('math/');
  // Outside a text field "/" goes to the search box; with Ctrl it does not (Ctrl+/ is often the browser's or a tool's).
  await page.locator('#search-status').click();
  await page.keyboard.press('Control+/');
  await expect(page.getByRole('searchbox', { name: 'Search' })).not.toBeFocused();
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeFocused();
  await expect(page.locator('#search-status')).toContainText('(those under math/)');
  expect(new Set((await paths()).map((p) => p.split(':')[0]))).toEqual(new Set(['math/fib.py']));
  await page.getByLabel('In folder').fill('nowhere/');
  await expect(page.locator('#search-status')).toContainText('0 results of');
  await page.getByLabel('In folder').fill('');
  await expect(page.locator('#search-status')).not.toContainText('(those');
  await expect(results.first()).toBeVisible();
  // A language the query names is its filter where the page's names none, and leaves the query.
  await search.fill('compute the fibonacci numbers in go');
  await search.press('Enter');
  await expect(page.locator('#search-status')).toContainText(/results for “compute the fibonacci numbers” of \d+ chunks of “sample-project” \(those in go, as the query names\), ranked/);
  expect((await paths()).map((p) => p.split(':')[0])).toEqual(['tools/util.go']);
  await search.fill('compute the fibonacci numbers');
  await search.press('Enter');
  await expect(page.locator('#search-status')).not.toContainText('(those');
  await page.screenshot({ path: testInfo.outputPath('searched.png'), fullPage: true });

  await page.reload();
  await waitForModel(page);
  await expect(page.locator('#model-status')).toContainText('0.0 MB downloaded');
  await expect(page.locator('#corpus-status')).toContainText('Restored the index of “sample-project”');
  await expect(page.locator('#corpus-status')).toContainText('nothing re-embedded');
  expect((await hubGets())['/test-org/tiny/resolve/main/model.safetensors']).toBe(1);
  await search.fill('reverse a string');
  await search.press('Enter');
  await expect(results.first()).toBeVisible();

  await page.getByRole('button', { name: 'Forget downloaded models and indexes' }).click();
  await expect(page.locator('#storage-status')).toContainText('Removed 4 cached model files');
  await page.reload();
  await waitForModel(page);
  await expect(page.locator('#model-status')).toContainText(/0\.\d MB downloaded, 0\.0 MB from/);
  await expect(page.locator('#corpus-status')).toHaveText('');
  expect((await hubGets())['/test-org/tiny/resolve/main/model.safetensors']).toBe(2);
});

test('auto chooses onnxruntime-web on the CPU over the software WebGPU adapter, says why, and searches', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (request) => request.url().includes('.wasm') && wasm.push(request.url()));
  await page.goto(`/?model=test-org/tiny&host=${encodeURIComponent(HUB)}`);
  await waitForModel(page);
  await expect(page.locator('#model-status')).toContainText('CPU (onnxruntime-web WASM, ');
  await expect(page.locator('#device-reason')).toContainText('is a software fallback; onnxruntime on the CPU is faster');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(wasm.length).toBeGreaterThan(0);
  await indexSample(page);
  await page.getByRole('searchbox', { name: 'Search' }).fill('reverse a string');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await expect(page.getByRole('list', { name: 'Results' }).getByRole('listitem').first()).toBeVisible();
  // Back to the stored weights: the first index is still there, restored without embedding anything.
  await page.getByLabel('Weights').selectOption('auto');
  await expect(page.locator('#corpus-status')).toContainText('Restored the index of “sample-project” from this browser', { timeout: 120_000 });
  await expect(page.locator('#corpus-status')).toContainText('nothing re-embedded');
});

test('pages on WebGPU never download onnxruntime', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (request) => /\.wasm|ort/.test(request.url()) && wasm.push(request.url()));
  await page.goto(`/?model=test-org/tiny&host=${encodeURIComponent(HUB)}&device=webgpu`);
  await waitForModel(page);
  expect(wasm).toEqual([]);
});

test('switching to int8 weights reloads the model from the cache and keeps a separate index', async ({ page }) => {
  await page.goto(`/?model=test-org/tiny&host=${encodeURIComponent(HUB)}&device=webgpu`);
  await waitForModel(page);
  await indexSample(page);
  await page.getByLabel('Weights').selectOption('int8');
  await expect(page.locator('#model-status')).toContainText('as int8', { timeout: 120_000 });
  await expect(page.locator('#model-status')).toContainText('int8 weights');
  await expect(page.locator('#search')).toBeDisabled();
  await indexSample(page);
  await page.getByRole('searchbox', { name: 'Search' }).fill('reverse a string');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await expect(page.getByRole('list', { name: 'Results' }).getByRole('listitem').first()).toBeVisible();
});

test('a flaky server (503s, a download cut halfway) still loads through retries', async ({ page }) => {
  await page.goto(`/?model=test-org/flaky&host=${encodeURIComponent(HUB)}`);
  await waitForModel(page);
  expect((await hubGets())['/test-org/flaky/resolve/main/model.safetensors']).toBe(3);
});

test('a failing server shows the error and offers the bundled C2LLM-nano model, with its notice', async ({ page }) => {
  await page.goto(`/?model=test-org/broken&host=${encodeURIComponent(HUB)}`);
  await expect(page.getByRole('alert')).toContainText('Could not load test-org/broken', { timeout: 120_000 });
  await expect(page.getByRole('alert')).toContainText('HTTP 500');
  await page.getByRole('button', { name: 'Use the bundled C2LLM-nano model' }).click();
  await waitForModel(page);
  await expect(page.locator('#model-status')).toContainText('C2LLM-nano (bundled, trained by this project)');
  await expect(page.locator('#demo-notice')).toBeVisible();
  await expect(page.locator('#demo-notice')).toContainText('far less well than C2LLM-0.5B');
});

test('with no model named, the bundled C2LLM-nano loads from the page itself, offline, and every ranking finds code by its words', async ({ page }) => {
  const outside: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.host === `127.0.0.1:${DEMO_PORT}`) return route.continue();
    outside.push(url.href);
    return route.abort();
  });
  await page.goto('/');
  await waitForModel(page);
  await expect(page.locator('#model-status')).toContainText('C2LLM-nano (bundled, trained by this project)');
  await expect(page.locator('#demo-notice')).toBeVisible();
  await indexSample(page);
  const search = page.getByRole('searchbox', { name: 'Search' });
  for (const mode of ['hybrid', 'dense', 'lexical']) {
    await page.getByLabel('Rank').selectOption(mode);
    await search.fill('reverse the characters of a string');
    await search.press('Enter');
    await expect(page.locator('#search-status')).toContainText(`ranked ${mode === 'lexical' ? 'by words' : 'by meaning'}`);
    await expect(page.locator('.result-path').first()).toHaveText(/^tools\/util\.go:/);
  }
  expect(outside).toEqual([]);
});

test('where the browser refuses IndexedDB, the page says so and indexes and searches in memory', async ({ page }) => {
  await page.addInitScript(() => {
    indexedDB.open = () => {
      throw new DOMException('storage is blocked for this site', 'SecurityError');
    };
  });
  await page.goto('/?device=cpu');
  await waitForModel(page);
  await expect(page.locator('#storage-status')).toContainText('Browser storage is unavailable (storage is blocked for this site): indexes are kept in memory only.');
  await indexSample(page);
  await page.getByRole('searchbox', { name: 'Search' }).fill('reverse a string');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await expect(page.locator('.result-path').first()).toBeVisible();
});

test('a folder opened with the directory picker is walked as `c2llm index` walks it: left-out folders are never listed', async ({ page }) => {
  // The File System Access API's handles over the sample folder, recording each folder the page lists.
  const files = Object.fromEntries(Object.entries(SAMPLE_FILES).map(([path, content]) => [path, typeof content === 'string' ? content : [...content]]));
  await page.addInitScript((sample) => {
    interface Folder { name: string; path: string; folders: Map<string, Folder>; files: Map<string, string | number[]> }
    const listed: string[] = [];
    (window as unknown as { __listed: string[] }).__listed = listed;
    const root: Folder = { name: 'sample-project', path: '', folders: new Map(), files: new Map() };
    for (const [path, content] of Object.entries(sample)) {
      const parts = path.split('/');
      let folder = root;
      for (const part of parts.slice(0, -1)) {
        if (!folder.folders.has(part)) folder.folders.set(part, { name: part, path: folder.path ? `${folder.path}/${part}` : part, folders: new Map(), files: new Map() });
        folder = folder.folders.get(part)!;
      }
      folder.files.set(parts.at(-1)!, content);
    }
    const handle = (folder: Folder): object => ({
      kind: 'directory',
      name: folder.name,
      async *values() {
        listed.push(folder.path);
        for (const child of folder.folders.values()) yield handle(child);
        for (const [name, content] of folder.files) yield { kind: 'file', name, getFile: async () => new File([typeof content === 'string' ? content : new Uint8Array(content)], name) };
      },
    });
    (window as unknown as { showDirectoryPicker: () => Promise<object> }).showDirectoryPicker = async () => handle(root);
  }, files);
  await page.goto('/?device=cpu');
  await waitForModel(page);
  await page.getByRole('button', { name: 'Open folder…' }).click();
  await expect(page.locator('#corpus-status')).toContainText('Indexed “sample-project”: 6 files', { timeout: 120_000 });
  await expectSampleSkipped(page);
  expect((await page.evaluate(() => (window as unknown as { __listed: string[] }).__listed)).sort()).toEqual(['', 'analysis', 'math', 'tools', 'web']);
});

test('while a folder is embedded, the files done so far are searched; cancelled, they stay searchable, and are not offered for saving', async ({ page }) => {
  await page.goto('/?device=cpu');
  await waitForModel(page);
  // Enough files that embedding them lasts well past the first batch's load (each a function of its own).
  const dir = join(mkdtempSync(join(tmpdir(), 'c2llm-many-')), 'many-files');
  mkdirSync(join(dir, 'gen'), { recursive: true });
  for (let i = 0; i < 3000; i++) writeFileSync(join(dir, 'gen', `rate${i}.js`), `export function rateLimit${i}(requests, perSecond) {\n  return requests.slice(0, perSecond * ${i + 1});\n}\n`);
  await page.getByLabel('Choose folder').setInputFiles(dir);
  const search = page.getByRole('searchbox', { name: 'Search' });
  await expect(search).toBeEnabled({ timeout: 60_000 });
  await expect(page.locator('#indexing')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save the index as a file' })).toBeDisabled();
  await search.fill('limit the rate of requests');
  await search.press('Enter');
  await expect(page.locator('#search-status')).toContainText(/chunks of “many-files” embedded so far \(\d+ of 3000 new chunks; indexing goes on\)/);
  await expect(page.locator('.result-path').first()).toHaveText(/^gen\/rate\d+\.js:/);
  await page.locator('#cancel-index').click();
  await expect(page.locator('#corpus-status')).toHaveText('Indexing cancelled; the files finished so far are kept.');
  await search.press('Enter');
  await expect(page.locator('#search-status')).toContainText('chunks of “many-files” as far as it was embedded');
  await expect(page.locator('.result-path').first()).toHaveText(/^gen\/rate\d+\.js:/);
  await expect(page.getByRole('button', { name: 'Save the index as a file' })).toBeDisabled();
});

test('the demo saves its index as a file that the CLI searches, and opens one to search it in the worker', async ({ page }, testInfo) => {
  await page.goto('/?device=cpu');
  await waitForModel(page);
  await indexSample(page);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save the index as a file' }).click();
  const file = testInfo.outputPath('code.c2idx');
  await (await download).saveAs(file);
  // The page's hint, run as written in the folder the index was saved to (npx c2llm: this checkout's CLI).
  const hint = /`(npx c2llm search [^`]+)`/.exec((await page.locator('#storage-status').textContent()) ?? '')?.[1];
  expect(hint).toBeDefined();
  const asWritten = spawnSync('bash', ['-c', hint!.replace(/^npx c2llm/, `node ${join(process.cwd(), 'bin', 'c2llm.js')}`)], { cwd: dirname(file), encoding: 'utf8' });
  expect(asWritten.status, asWritten.stderr).toBe(0);
  expect(asWritten.stdout).toMatch(/^ {2}1\. \S+:\d+-\d+/m);
  const cli = spawnSync('node', ['bin/c2llm.js', 'search', '--index', file, '--query', 'reverse a string', '--mode', 'lexical', '--json'], { encoding: 'utf8' });
  expect(cli.status, cli.stderr).toBe(0);
  expect(JSON.parse(cli.stdout).results[0][0].path).toBe('tools/util.go');

  await page.reload();
  await waitForModel(page);
  await page.getByLabel('Open an index file').setInputFiles(file);
  await expect(page.locator('#corpus-status')).toContainText(/Opened code\.c2idx: \d+ chunks of 6 files, searched in the engine's worker/);
  await page.getByRole('searchbox', { name: 'Search' }).fill('reverse the characters of a string');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await expect(page.locator('#search-status')).toContainText('chunks of code.c2idx');
  await expect(page.locator('.result-path').first()).toHaveText(/^tools\/util\.go:/);
});

test('a file that is not an index, opened as one, is an error on the page, and the page keeps working', async ({ page }) => {
  await page.goto('/?device=cpu');
  await waitForModel(page);
  await page.getByLabel('Open an index file').setInputFiles('package.json');
  await expect(page.locator('#corpus-status')).toHaveText('Could not open package.json: index: not a c2llm index (no "C2LLMIDX" magic)');
  await indexSample(page);
});

test('an element the page hides stays hidden, whatever its style (the bundled-model button under a bundled-model error)', async ({ page }) => {
  await page.goto('/?device=cpu');
  await waitForModel(page);
  await page.evaluate(() => {
    document.getElementById('model-error-text')!.textContent = 'Could not load the bundled C2LLM-nano model: no WebGPU adapter';
    document.getElementById('model-error')!.hidden = false;
    document.getElementById('use-demo-model')!.hidden = true;
  });
  await expect(page.locator('#model-error')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Use the bundled C2LLM-nano model' })).toBeHidden();
});

test('a load asks for nothing that is not there (no 404 in the console)', async ({ page }) => {
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
  });
  await page.goto('/?device=cpu');
  await waitForModel(page);
  expect(missing).toEqual([]);
});
