/**
 * `npm run screenshots`: the built demo, offline (every request outside the page's own server is
 * refused), with the bundled C2LLM-nano, indexing a folder of real code (default: this project's src/,
 * which the model never saw), then each query ranked by meaning and words (hybrid) and by words alone
 * (BM25). Saves one screenshot per query and ranking to .bench/screenshots/ and prints the top results;
 * also the list of skipped files after indexing (skipped.png) and the page's error state when a Hub
 * model cannot be loaded (error.png).
 *
 *   npm run screenshots -- [--folder src] [--queries "q1|q2"]
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const { values } = parseArgs({ options: { folder: { type: 'string', default: 'src' }, queries: { type: 'string', default: 'keep only the k highest scores without sorting all of them' } } });

async function main(): Promise<void> {
  const server = await preview({ preview: { host: '127.0.0.1', port: 4190, strictPort: true }, logLevel: 'error' });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu'] });
  mkdirSync('.bench/screenshots', { recursive: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const refused: string[] = [];
    await page.route('**/*', (route) => (new URL(route.request().url()).host === '127.0.0.1:4190' ? route.continue() : (refused.push(route.request().url()), route.abort())));
    await page.goto('http://127.0.0.1:4190/?device=cpu');
    await page.locator('#model-status').filter({ hasText: 'Model:' }).waitFor({ timeout: 120_000 });
    await page.getByLabel('Choose folder').setInputFiles(resolve(values.folder));
    await page.locator('#corpus-status').filter({ hasText: 'Indexed' }).waitFor({ timeout: 600_000 });
    console.log(await page.locator('#corpus-status').textContent());
    if (await page.locator('#skipped').isVisible()) {
      await page.locator('#skipped summary').click();
      await page.screenshot({ path: '.bench/screenshots/skipped.png' });
      await page.locator('#skipped summary').click();
    }
    for (const [q, query] of values.queries.split('|').entries()) {
      for (const mode of ['hybrid', 'lexical']) {
        const box = page.getByRole('searchbox', { name: 'Search' });
        await box.fill('');
        await box.press('Escape');
        await page.locator('#results li').first().waitFor({ state: 'detached' });
        await page.getByLabel('Rank').selectOption(mode);
        await box.fill(query);
        await box.press('Enter');
        await page.locator('#search-status').filter({ hasText: mode === 'lexical' ? 'by words' : 'by meaning and words' }).waitFor();
        const top = await page.locator('.result-path').allTextContents();
        console.log(`${mode.padEnd(7)} "${query}": ${top.slice(0, 3).join(', ')}`);
        await box.evaluate((element) => element.scrollIntoView({ block: 'start' })); // the query and its first results in view
        await page.screenshot({ path: `.bench/screenshots/query${q + 1}-${mode}.png` });
      }
    }
    console.log(`requests refused (outside the page's server): ${refused.length}`);
    const failing = await browser.newPage({ viewport: { width: 1100, height: 600 } });
    await failing.route('**/*', (route) => (new URL(route.request().url()).host === '127.0.0.1:4190' ? route.continue() : route.abort()));
    await failing.goto('http://127.0.0.1:4190/?model=codefuse-ai/C2LLM-0.5B&device=cpu');
    await failing.getByRole('alert').filter({ hasText: 'Could not load' }).waitFor({ timeout: 120_000 });
    await failing.screenshot({ path: '.bench/screenshots/error.png' });
  } finally {
    await browser.close();
    await new Promise<void>((done) => server.httpServer.close(() => done()));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
