import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The engine's worker loads onnxruntime-web only when it is used (never, for the search box without a
// hardware GPU: it embeds queries on the TypeScript path), which needs the worker built as an ES module;
// the headers make `vite preview` serve the page cross-origin isolated, as a host that allows them would.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', emptyOutDir: true },
  preview: { headers: isolation },
});
