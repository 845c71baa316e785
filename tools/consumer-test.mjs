// `npm run test:package`: the package as a user meets it. Packs `c2llm` (npm pack) and the bundled
// model `c2llm-nano` (tools/pack-model.mjs), installs both tarballs from disk and Vite + TypeScript
// from the registry into a fresh app in a temporary folder, and checks:
//   - the tarball is at most 3 MB, and the install brings no onnxruntime-node and no webgpu;
//   - a strict TypeScript project (strict, verbatimModuleSyntax, erasableSyntaxOnly, moduleResolution
//     bundler, skipLibCheck off) type-checks `import { createEmbedder } from 'c2llm'` with nothing
//     added for @webgpu/types, and Vite (its default settings) builds it;
//   - the built page, served cross-origin isolated, embeds in headless Chromium on the auto, webgpu
//     and cpu devices, and worker errors arrive as `instanceof ModelNotFoundError` / `CheckpointError`;
//   - a plain Node script embeds with the same import (the README's, which also indexes and searches its own folder), and `npx c2llm embed` runs from the install;
//   - all of them give the same vector for the same text (cosine >= 0.9999);
//   - the static-site kit (examples/static-site), set up as its README says with the same tarballs (and
//     the optional onnxruntime-node): `npx c2llm index --split` of this project's src/search, the model
//     beside it, `vite build`, and a search in Chromium through the search box: typed, its top result
//     the known function, the count announced, the arrow keys moving, Enter opening the link, and no
//     onnxruntime-web WASM fetched (queries on the TypeScript path where there is no hardware GPU).
// Prints the tarball sizes and the install footprint; exits non-zero on any failure.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const TEXT = 'def parse_csv_line(line):\n    return line.split(",")';
const MAX_TARBALL_BYTES = 3_000_000;
const PORT = 4391;
const SITE_PORT = 4392;
const PLAIN_SITE_PORT = 4393;

const work = mkdtempSync(join(tmpdir(), 'c2llm-consumer-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
const site = join(work, 'site');
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
const sh = (command, args, cwd, env = {}) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
const duKiB = (path) => Number(sh('du', ['-sk', path], work).split('\t')[0]);
const cosine = (a, b) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] * a[i], nb + b[i] * b[i]];
  return dot / Math.sqrt(na * nb);
};

/** The code block in `language` under `heading` in the README, as a user would copy it. */
function readmeExample(heading, language) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(`\`\`\`${language}\n`, readme.indexOf(heading)) + language.length + 4;
  return readme.slice(start, readme.indexOf('```', start));
}

function writeApp() {
  mkdirSync(join(app, 'src'), { recursive: true });
  const write = (file, text) => writeFileSync(join(app, file), text);
  // The README's examples, verbatim: the web app's is type-checked with the app, Node's is run.
  write('src/readme-web-app.ts', readmeExample('## Use in a web app', 'ts'));
  write('package.json', JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }, null, 2));
  write('tsconfig.json', JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      strict: true, verbatimModuleSyntax: true, erasableSyntaxOnly: true, noEmit: true, skipLibCheck: false,
      noUnusedLocals: true, noUnusedParameters: true, types: ['vite/client'],
    },
    include: ['src'],
  }, null, 2));
  // Cross-origin isolation on the served page; nothing else is configured (no worker format).
  write('vite.config.ts', `import { defineConfig } from 'vite';
const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
export default defineConfig({ server: { headers }, preview: { headers } });
`);
  write('index.html', '<!doctype html><html><body><pre id="result">loading</pre><script type="module" src="/src/main.ts"></script></body></html>\n');
  write('src/main.ts', `import { CheckpointError, createEmbedder, ModelNotFoundError, type TextEmbedder } from 'c2llm';

const device = (new URLSearchParams(location.search).get('device') ?? 'auto') as 'auto' | 'webgpu' | 'cpu';
const out = document.getElementById('result')!;

async function run(): Promise<void> {
  const failure = async (model: string) => {
    try {
      await createEmbedder({ model: new URL(model, location.href).href, device });
      return 'no error';
    } catch (error) {
      if (error instanceof CheckpointError) return 'CheckpointError';
      if (error instanceof ModelNotFoundError) return 'ModelNotFoundError';
      return \`\${(error as Error).name}: \${(error as Error).message}\`;
    }
  };
  const missingModel = await failure('/models/missing-model/');
  const brokenModel = await failure('/models/broken-model/');
  const embedder: TextEmbedder = await createEmbedder({ model: new URL('/models/c2llm-nano/', location.href).href, device });
  const [vector] = await embedder.embed([${JSON.stringify(TEXT)}], { kind: 'document' });
  const info = await embedder.info();
  embedder.dispose();
  out.textContent = JSON.stringify({ device: info.device, adapter: info.adapter, isolated: crossOriginIsolated, missingModel, brokenModel, vector: Array.from(vector) });
}

run().catch((error: unknown) => (out.textContent = \`error: \${(error as Error).message}\`));
`);
  write('node-check.mjs', `import { createEmbedder, MissingPackageError } from 'c2llm';
import { writeFileSync } from 'node:fs';
const embedder = await createEmbedder();
const [vector] = await embedder.embed([${JSON.stringify(TEXT)}], { kind: 'document' });
let badDevice = 'no error';
try {
  await createEmbedder({ device: 'cpu' });
} catch (error) {
  badDevice = error instanceof MissingPackageError ? error.message : String(error);
}
writeFileSync('node-result.json', JSON.stringify({ info: await embedder.info(), badDevice, vector: Array.from(vector) }));
embedder.dispose();
`);
}

const launchChromium = () =>
  chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--no-first-run'] });

/** `folder`'s built site (its `outDir`, dist by default) served as static files, by its own Vite. */
function serve(folder, port, outDir = 'dist') {
  const server = spawn(join(folder, 'node_modules', '.bin', 'vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', outDir], { cwd: folder, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => String(chunk).includes(String(port)) && resolve(server));
    server.on('exit', (code) => reject(new Error(`vite preview exited with ${code}`)));
  });
}

async function main() {
  mkdirSync(packs, { recursive: true });
  sh('npm', ['pack', '--pack-destination', packs, '--silent'], root);
  sh('node', [join(root, 'tools', 'pack-model.mjs'), packs], root);
  const tarball = join(packs, `c2llm-${ours.version}.tgz`);
  const modelTarball = join(packs, `c2llm-nano-${ours.version}.tgz`);
  const size = statSync(tarball).size;
  console.log(`tarballs: c2llm ${(size / 1e6).toFixed(2)} MB, c2llm-nano (the model) ${(statSync(modelTarball).size / 1e6).toFixed(2)} MB`);
  check(size <= MAX_TARBALL_BYTES, `the c2llm tarball is at most 3 MB (${size} bytes)`);

  writeApp();
  const dev = ours.devDependencies;
  sh('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, modelTarball, `vite@${dev.vite}`, `typescript@${dev.typescript}`], app);
  const modules = join(app, 'node_modules');
  check(!existsSync(join(modules, 'onnxruntime-node')) && !existsSync(join(modules, 'webgpu')), 'the install brings no onnxruntime-node and no webgpu');
  const ownDeps = ['c2llm', 'c2llm-nano', ...Object.keys(ours.dependencies)].map((d) => join(modules, d)).filter(existsSync);
  console.log(`install footprint: node_modules ${(duKiB(modules) / 1024).toFixed(1)} MiB in all (with Vite and TypeScript); c2llm, its model and its dependencies ${(ownDeps.reduce((s, d) => s + duKiB(d), 0) / 1024).toFixed(1)} MiB`);

  // The README's line that serves the model with the page, run as written.
  const serveModel = /Serve the model's files with the page: `([^`]+)`/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1];
  check(serveModel !== undefined, 'the README says how to serve the model with the page');
  sh('bash', ['-c', serveModel], app);
  mkdirSync(join(app, 'public', 'models', 'broken-model'), { recursive: true });
  writeFileSync(join(app, 'public', 'models', 'broken-model', 'config.json'), '{"hidden_size": 256,');
  sh(join(modules, '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
  check(true, "the strict consumer project type-checks, the README's web-app example included");
  sh(join(modules, '.bin', 'vite'), ['build', '--logLevel', 'warn'], app);
  check(existsSync(join(app, 'dist', 'index.html')), 'Vite builds the app with its default settings');

  // The README's Node path from an empty folder: npm init -y (no "type": "module"), the install, the
  // example saved under the file name the README gives.
  const plain = join(work, 'node-from-empty');
  mkdirSync(plain);
  sh('npm', ['init', '-y'], plain);
  sh('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, modelTarball], plain);
  writeFileSync(join(plain, 'embed.mjs'), readmeExample('## Use in Node', 'js'));
  const readmeNode = sh('node', ['embed.mjs'], plain);
  check(/\b256\nembed\.mjs \d+$/.test(readmeNode.trim()), `the README's Node example runs as written from an npm init -y folder, indexing and searching that folder (it printed "${readmeNode.trim()}")`);
  sh('node', ['node-check.mjs'], app);
  const node = JSON.parse(readFileSync(join(app, 'node-result.json'), 'utf8'));
  check(node.vector.length === 256 && node.vector.every(Number.isFinite) && node.info.device === 'reference', `Node: createEmbedder embeds with the bundled model, device auto without the optional packages: ${node.info.adapter}, because ${node.info.deviceReason}`);
  check(/onnxruntime-node/.test(node.badDevice), `Node: the cpu device without onnxruntime-node is a MissingPackageError ("${node.badDevice}")`);

  writeFileSync(join(app, 'texts.json'), JSON.stringify([`Retrieved Answer:${TEXT}`]));
  sh('npx', ['--no-install', 'c2llm', 'embed', '--input', 'texts.json', '--output', 'cli-result.json', '--device', 'reference'], app);
  const cli = JSON.parse(readFileSync(join(app, 'cli-result.json'), 'utf8'));
  check(cosine(cli.embeddings[0], node.vector) >= 0.9999, `npx c2llm embed runs from the install and agrees with the library (cosine ${cosine(cli.embeddings[0], node.vector).toFixed(6)})`);

  const server = await serve(app, PORT);
  const browser = await launchChromium();
  try {
    for (const device of ['auto', 'webgpu', 'cpu']) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${PORT}/?device=${device}`);
      await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'loading', undefined, { timeout: 300_000 });
      const text = await page.locator('#result').textContent();
      await page.close();
      if (!text?.startsWith('{')) {
        check(false, `Chromium, device ${device}: ${text}`);
        continue;
      }
      const result = JSON.parse(text);
      const similarity = cosine(result.vector, node.vector);
      check(result.isolated && similarity >= 0.9999, `Chromium, device ${device} (${result.device}: ${result.adapter}), cross-origin isolated: embeds, cosine to Node ${similarity.toFixed(6)}`);
      check(result.missingModel === 'ModelNotFoundError' && result.brokenModel === 'CheckpointError', `Chromium, device ${device}: worker errors arrive as instanceof ModelNotFoundError (a missing model: ${result.missingModel}) and CheckpointError (a config.json that is not JSON: ${result.brokenModel})`);
    }
  } finally {
    await browser.close();
    server.kill();
  }
  await staticSite(tarball, modelTarball);
}

/** The static-site kit, set up as examples/static-site/README.md says, built, served and searched. */
async function staticSite(tarball, modelTarball) {
  mkdirSync(site, { recursive: true });
  for (const file of ['index.html', 'vite.config.ts']) cpSync(join(root, 'examples', 'static-site', file), join(site, file));
  // As the README says: the site's own repository in the link template.
  writeFileSync(join(site, 'index.html'), readFileSync(join(site, 'index.html'), 'utf8').replace('https://github.com/OWNER/REPO/blob/main/', 'https://code.example/blob/main/'));
  writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'docs-site', private: true, type: 'module' }, null, 2));
  // As the README says for indexing in CI: the optional onnxruntime-node for the fast cpu device, its CUDA download skipped.
  sh('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, modelTarball, `vite@${ours.devDependencies.vite}`, `onnxruntime-node@${ours.devDependencies['onnxruntime-node']}`], site, { npm_config_onnxruntime_node_install: 'skip' });
  const siteModules = join(site, 'node_modules');
  console.log(`install footprint for Node with the fast cpu device: node_modules ${(duKiB(siteModules) / 1024).toFixed(1)} MiB in all (with Vite), onnxruntime-node ${(duKiB(join(siteModules, 'onnxruntime-node')) / 1024).toFixed(1)} MiB of it`);
  mkdirSync(join(site, 'public', 'models'), { recursive: true });
  sh('npx', ['--no-install', 'c2llm', 'index', join(root, 'src', 'search'), '--model', 'node_modules/c2llm-nano/int8', '--split', '--output', 'public/code-index'], site);
  cpSync(join(site, 'node_modules', 'c2llm-nano', 'int8'), join(site, 'public', 'models', 'c2llm-nano-int8'), { recursive: true });
  sh('npx', ['--no-install', 'vite', 'build', '--logLevel', 'warn'], site);
  const server = await serve(site, SITE_PORT);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const opened = [];
    const requested = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.route('https://code.example/**', (route) => {
      opened.push(route.request().url());
      return route.fulfill({ contentType: 'text/html', body: '<p>the repository</p>' });
    });
    // The model's weights held back until the words-only search has been checked: the box answers by words while the model loads.
    let releaseModel = () => {};
    const modelHeld = new Promise((resolve) => (releaseModel = () => resolve(undefined)));
    await page.context().route('**/c2llm-nano-int8/model.safetensors', async (route) => {
      await modelHeld;
      await route.continue();
    });
    await page.goto(`http://127.0.0.1:${SITE_PORT}/`);
    const box = page.getByRole('combobox', { name: 'Search the code' });
    await box.waitFor();
    const status = () => page.evaluate(() => document.querySelector('c2llm-search [role=status]')?.textContent ?? '');
    const statusSays = (pattern) => page.waitForFunction((source) => new RegExp(source).test(document.querySelector('c2llm-search [role=status]')?.textContent ?? ''), pattern.source, { timeout: 60_000 });
    await statusSays(/pieces of code from \d+ files; searching their words while the model loads$/);
    await box.fill('zqxjv wkpfh');
    await statusSays(/^No results by their words while the model loads$/);
    await box.fill('bounded min-heap that keeps the k best scores');
    await statusSays(/^\d+ results?, by their words while the model loads$/);
    const byWords = await page.locator('c2llm-search [role=option] .c2s-path').count();
    check(byWords > 0, `static-site kit: while the model loads, the box answers by words (${await status()}; ${byWords} shown)`);
    releaseModel();
    await statusSays(/^\d+ results?$/);
    const ranked = await page.locator('c2llm-search [role=option] .c2s-path').first().textContent();
    check(/^top-k\.ts:\d+-\d+$/.test(ranked ?? ''), `static-site kit: once the model has loaded, the query shown is searched again in full (${await status()}; ${ranked})`);
    await box.fill('');
    // shortcut="/": the key moves the focus to the box from the page, and is not typed into it.
    await page.locator('h1').click();
    await page.keyboard.press('/');
    const focused = await page.evaluate(() => [document.activeElement?.getAttribute('role'), document.activeElement instanceof HTMLInputElement ? document.activeElement.value : undefined]);
    check(focused[0] === 'combobox' && focused[1] === '', `static-site kit: "/" moves the focus to the search box, as the shortcut attribute says (${focused.join(', ')})`);
    // Searched at each pause in typing, in the index's words: a last word cut short completed, a misspelt word
    // corrected, and the status says what was searched.
    await box.pressSequentially('bounded min-heap that keeps the k best sco', { delay: 5 });
    await statusSays(/ for “/);
    const completed = await status();
    check(/^\d+ results? for “bounded min-heap that keeps the k best score”$/.test(completed), `static-site kit: a last word cut short is searched completed (${completed})`);
    await box.fill('bounded min-heap that keeps the k best scroes'); // a typo that no file of src/search holds
    await statusSays(/scores”$/);
    const corrected = await status();
    check(/^\d+ results? for “bounded min-heap that keeps the k best scores”$/.test(corrected), `static-site kit: a misspelt word is searched corrected (${corrected})`);
    await box.fill('bounded min-heap that keeps the k best scores');
    await statusSays(/^\d+ results?$/);
    const top = await page.locator('c2llm-search [role=option] .c2s-path').first().textContent();
    check(/^top-k\.ts:\d+-\d+$/.test(top ?? ''), `static-site kit: built from the tarballs with a split index, the search box's top result is the known function (${top})`);
    check(!requested.some((url) => /ort-wasm|onnxruntime/.test(url)), `static-site kit: without a hardware GPU the box embeds queries without fetching onnxruntime-web's WASM (${requested.filter((url) => url.endsWith('.wasm')).length} .wasm files fetched)`);
    const announced = await status();
    check(/^\d+ results?$/.test(announced), `static-site kit: the result count is announced (${announced})`);
    check((await page.locator('c2llm-search mark').count()) > 0, 'static-site kit: the excerpts mark the query\'s words');
    // The folder filter chooses the chunks before ranking: bm25.ts's, though top-k.ts ranks first.
    const folder = page.getByRole('textbox', { name: 'In folder' });
    const shownPaths = () => page.evaluate(() => Array.from(document.querySelectorAll('c2llm-search .c2s-path'), (p) => p.textContent ?? ''));
    await folder.fill('bm25');
    await page.waitForFunction(() => /^bm25\.ts:/.test(document.querySelector('c2llm-search .c2s-path')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const kept = await shownPaths();
    check(kept.length > 0 && kept.every((p) => p.startsWith('bm25.ts:')), `static-site kit: the folder filter keeps that file's chunks alone (${kept.join(', ')})`);
    await folder.fill('no-such-folder/');
    await page.waitForFunction(() => document.querySelector('c2llm-search [role=status]')?.textContent === 'No code under no-such-folder/', undefined, { timeout: 60_000 });
    await folder.fill('');
    await page.waitForFunction(() => /^top-k\.ts:/.test(document.querySelector('c2llm-search .c2s-path')?.textContent ?? ''), undefined, { timeout: 60_000 });
    // A language the query names is its filter (the box's names none) and leaves the query; the status says so.
    await box.fill('bounded min-heap that keeps the k best scores in typescript');
    await statusSays(/^\d+ results? in typescript for “bounded min-heap that keeps the k best scores”$/);
    const named = await page.locator('c2llm-search [role=option] .c2s-path').first().textContent();
    check(/^top-k\.ts:\d+-\d+$/.test(named ?? ''), `static-site kit: a query naming its language is searched without the name, in that language (${await status()}; ${named})`);
    await box.press('ArrowDown');
    await box.press('ArrowDown');
    await box.press('ArrowUp');
    const activeId = await box.getAttribute('aria-activedescendant');
    const firstId = await page.locator('c2llm-search [role=option]').first().getAttribute('id');
    check(activeId === firstId && (await page.locator('c2llm-search [role=option][aria-selected=true]').count()) === 1, `static-site kit: the arrow keys move through the results (active ${activeId})`);
    await Promise.all([page.waitForURL(/code\.example/), box.press('Enter')]);
    check(opened.length === 1 && /^https:\/\/code\.example\/blob\/main\/top-k\.ts#L\d+-L\d+$/.test(page.url()), `static-site kit: Enter opens the result's link (${page.url()})`);
  } finally {
    await browser.close();
    server.kill();
  }
  await plainSite();
}

/**
 * The search box on a site without a bundler, as examples/static-site/README.md says: the index and the
 * model, the package's dist/standalone copied beside them, one script tag; served as plain files.
 */
async function plainSite() {
  const plain = join(site, 'plain');
  mkdirSync(plain); // the folder a site generator publishes, there already
  sh('npx', ['--no-install', 'c2llm', 'index', join(root, 'src', 'search'), '--model', 'node_modules/c2llm-nano/int8', '--split', '--output', 'plain/code-index'], site);
  mkdirSync(join(plain, 'models'), { recursive: true });
  cpSync(join(site, 'node_modules', 'c2llm-nano', 'int8'), join(plain, 'models', 'c2llm-nano-int8'), { recursive: true });
  cpSync(join(site, 'node_modules', 'c2llm', 'dist', 'standalone'), join(plain, 'c2llm'), { recursive: true });
  writeFileSync(
    join(plain, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>docs</title></head><body><h1>Docs</h1>\n<script type="module" src="c2llm/search-box.js"></script>\n<c2llm-search index="code-index/" model="models/c2llm-nano-int8/" link="https://code.example/blob/main/{path}#L{start}-L{end}"></c2llm-search>\n</body></html>\n',
  );
  const server = await serve(site, PLAIN_SITE_PORT, 'plain');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const requested = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`http://127.0.0.1:${PLAIN_SITE_PORT}/`);
    await page.locator('c2llm-search .c2s-ready').waitFor({ timeout: 120_000 });
    await page.getByRole('combobox', { name: 'Search the code' }).fill('bounded min-heap that keeps the k best scores');
    await page.waitForFunction(() => /^\d+ results?$/.test(document.querySelector('c2llm-search [role=status]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const top = await page.locator('c2llm-search [role=option] .c2s-path').first().textContent();
    const scripts = [...new Set(requested.filter((path) => path.endsWith('.js')))];
    check(/^top-k\.ts:\d+-\d+$/.test(top ?? '') && errors.length === 0, `site without a bundler: dist/standalone copied beside the page, one script tag, and the box finds the known function (${top}${errors.length ? `; page errors: ${errors.join('; ')}` : ''})`);
    check(scripts.every((path) => path.startsWith('/c2llm/')) && !requested.some((path) => /\.wasm$|onnxruntime/.test(path)), `site without a bundler: every script comes from the copied folder, no WASM (${scripts.join(', ')})`);
  } finally {
    await browser.close();
    server.kill();
  }
}

main()
  .catch((error) => failures.push(error.stack ?? String(error)))
  .finally(() => {
    if (failures.length) {
      console.error(`\n${failures.length} failure(s):\n${failures.join('\n')}\n(work folder kept: ${work})`);
      process.exit(1);
    }
    rmSync(work, { recursive: true, force: true });
    console.log('\nthe package works as a user meets it');
  });
