import { defineConfig } from '@playwright/test';

/** Vite's dev server: the golden-test page and the fixtures. */
export const DEV_PORT = 5199;
/** The built demo, served by `vite preview` as a user gets it (on a port of the tests' own: `npm start`'s 4173 may be in use). */
export const DEMO_PORT = 4183;
/** A local stand-in for the Hugging Face Hub (e2e/hub-server.mjs). */
export const HUB_PORT = 5299;

export default defineConfig({
  testDir: 'e2e',
  timeout: 600_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${DEV_PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--enable-unsafe-webgpu',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: [
    {
      command: `npx vite --host 127.0.0.1 --port ${DEV_PORT} --strictPort`,
      url: `http://127.0.0.1:${DEV_PORT}/e2e/golden.html`,
      timeout: 120_000,
    },
    {
      command: `npx vite build && npx vite preview --host 127.0.0.1 --port ${DEMO_PORT} --strictPort`,
      url: `http://127.0.0.1:${DEMO_PORT}/`,
      timeout: 180_000,
    },
    {
      command: `node e2e/hub-server.mjs`,
      url: `http://127.0.0.1:${HUB_PORT}/__stats`,
      env: { HUB_PORT: String(HUB_PORT) },
      timeout: 30_000,
    },
  ],
});
