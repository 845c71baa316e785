/**
 * The static-site kit as a user would ship it: build examples/static-site with Vite, build an index of
 * this project's search code with `c2llm index`, put the bundled model beside it, serve the folder
 * (cross-origin isolated, as the demo's server is) and search it in headless Chromium.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const PORT = 4181;
let server: ChildProcess | undefined;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
}

test.beforeAll(async () => {
  const site = mkdtempSync(join(tmpdir(), 'c2llm-static-site-'));
  run('npx', ['vite', 'build', 'examples/static-site', '--outDir', site, '--logLevel', 'warn']);
  run('npm', ['run', '--silent', 'build:cli']);
  run('node', ['bin/c2llm.js', 'index', 'src/search', '--output', join(site, 'code.c2idx'), '--device', 'cpu']);
  cpSync('models/c2llm-nano', join(site, 'models', 'c2llm-nano'), { recursive: true });
  server = spawn('npx', ['vite', 'preview', '--outDir', site, '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${PORT}/`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the static site did not start');
});

test.afterAll(() => {
  server?.kill();
});

test('the built static site loads the model and the index, and finds a known function', async ({ page }) => {
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await expect(page.getByRole('status')).toContainText(/pieces of code from \d+ files, ready/, { timeout: 60_000 });
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await page.getByLabel('Search the code').fill('bounded min-heap that keeps the k best scores');
  await expect(page.locator('.path').first()).toHaveText(/^top-k\.ts:\d+-\d+$/);
  await expect(page.locator('#results pre').first()).toContainText('bounded min-heap');
});
