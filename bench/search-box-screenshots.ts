/**
 * `npm run screenshots:search-box`: the drop-in search box (src/search-box) on a sample page, served by
 * Vite from this checkout, searching a split index of humanize (eval/nl-test's Python codebase, which the
 * model never saw; `sh eval/nl-test/fetch.sh .eval/nl-test` first) with the bundled C2LLM-nano, in light
 * and dark colour schemes. Saves docs/screenshots/search-box-{light,dark}.png.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const PAGE = '.bench/search-box';
const QUERY = 'show a big number with commas between the thousands';

async function main(): Promise<void> {
  rmSync(PAGE, { recursive: true, force: true });
  mkdirSync(PAGE, { recursive: true });
  execFileSync('node', ['bin/c2llm.js', 'index', '.eval/nl-test/humanize', '--split', '--output', `${PAGE}/code-index`, '--device', 'cpu'], { stdio: 'inherit' });
  writeFileSync(`${PAGE}/index.html`, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>humanize: code search</title>
<style>body { font: 15px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
@media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } }</style></head>
<body><h1>humanize</h1>
<script type="module">import '/src/package/search-box.ts';</script>
<c2llm-search index="code-index/" model="/models/c2llm-nano/" link="https://github.com/python-humanize/humanize/blob/4.4.0/{path}#L{start}-L{end}" results="4"></c2llm-search>
</body></html>
`);
  const server = await createServer({ server: { host: '127.0.0.1', port: 4195, strictPort: true }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 900, height: 900 }, colorScheme: scheme });
      await page.goto(`http://127.0.0.1:4195/${PAGE}/index.html`);
      // The model loaded (the box searches by words until then), so that the picture shows the full ranking.
      await page.locator('c2llm-search .c2s-ready').waitFor({ timeout: 180_000 });
      const box = page.getByRole('combobox', { name: 'Search the code' });
      await box.pressSequentially(QUERY, { delay: 5 });
      await page.locator('c2llm-search [role=option]').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(500);
      await box.press('ArrowDown');
      console.log(scheme, await page.locator('c2llm-search .c2s-path').allTextContents());
      await page.screenshot({ path: `docs/screenshots/search-box-${scheme}.png` });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
