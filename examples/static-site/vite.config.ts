import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `c2llm` resolves to this checkout's sources until the package is installed from the registry; with the
// package installed, delete the alias.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { c2llm: fileURLToPath(new URL('../../src/worker/client.ts', import.meta.url)) } },
  worker: { format: 'es' },
  build: { target: 'es2022', emptyOutDir: true },
});
