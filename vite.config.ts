import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vite';

/** Cross-origin isolation, so that onnxruntime-web's WASM backend can use threads (SharedArrayBuffer); `credentialless` keeps Hub downloads working. */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'credentialless' };

export default defineConfig(({ isSsrBuild }) => ({
  build: isSsrBuild
    ? { target: 'node20', outDir: 'dist/cli', emptyOutDir: true, copyPublicDir: false, rollupOptions: { output: { entryFileNames: '[name].js' } } }
    : { target: 'es2022', outDir: 'dist/app' },
  appType: 'mpa',
  worker: { format: 'es' },
  optimizeDeps: { include: ['onnxruntime-web/wasm', 'onnxruntime-web/webgpu', 'comlink', '@huggingface/tokenizers'] },
  // The work folders of training, evaluation and benchmarks (millions of files once Debian's sources are
  // unpacked) are never part of the app: watching them exhausts the system's file watchers.
  server: { headers: isolation, watch: { ignored: ['**/.train/**', '**/.eval/**', '**/.bench/**'] } },
  preview: { headers: isolation },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // The CLI's cache (built graphs, file digests) of this run alone: nothing left from an earlier one is used.
    env: { C2LLM_CACHE: join(tmpdir(), `c2llm-test-cache-${process.pid}`) },
  },
}));
