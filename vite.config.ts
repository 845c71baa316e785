import { defineConfig } from 'vite';

/** Cross-origin isolation, so that a later WASM backend can use threads; `credentialless` keeps Hub downloads working. */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'credentialless' };

export default defineConfig(({ isSsrBuild }) => ({
  build: isSsrBuild
    ? { target: 'node20', outDir: 'dist/cli', emptyOutDir: true, copyPublicDir: false, rollupOptions: { output: { entryFileNames: '[name].js' } } }
    : { target: 'es2022', outDir: 'dist/app' },
  appType: 'mpa',
  worker: { format: 'es' },
  optimizeDeps: { include: ['onnxruntime-web/wasm', 'onnxruntime-web/webgpu', 'comlink', '@huggingface/tokenizers'] },
  server: { headers: isolation },
  preview: { headers: isolation },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
}));
