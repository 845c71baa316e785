/**
 * Runs a benchmark page's entry point in headless Chromium, for bench/chromium.ts and
 * bench/search-chromium.ts: this project served by Vite's dev server on `port` (no file watching or
 * HMR, so an edit to the tree during a long run cannot reload the page mid-measurement), `page` opened
 * with WebGPU enabled and its console copied to stderr, its status awaited until 'ready', then
 * `window[entry](request)` awaited and its answer returned with the browser's version.
 */
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

export async function runInChromium<R>(port: number, page: string, entry: string, request: unknown): Promise<{ result: R; browserVersion: string }> {
  const server = await createServer({ server: { host: '127.0.0.1', port, strictPort: true, watch: null, hmr: false }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const tab = await browser.newPage();
    tab.on('console', (message) => process.stderr.write(`${message.text()}\n`));
    await tab.goto(`http://127.0.0.1:${port}/${page}`);
    await tab.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const result = await tab.evaluate(([name, r]) => (window as unknown as Record<string, (r: unknown) => Promise<unknown>>)[name as string](r), [entry, request] as const);
    return { result: result as R, browserVersion: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}
