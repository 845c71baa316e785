import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Workers as ES modules let onnxruntime-web start its threads (createEmbedder's `threads`); the headers
// make `vite preview` serve the page cross-origin isolated, as a host that allows them would.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', emptyOutDir: true },
  preview: { headers: isolation },
});
