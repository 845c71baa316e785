/**
 * Builds bench/gpu-machine/engine.ts into one file for a machine without npm: every dependency inside it
 * but Dawn's `webgpu` (a native addon, carried beside it) and onnxruntime (never loaded on the WebGPU path).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: { ssr: 'bench/gpu-machine/engine.ts', target: 'node20', outDir: '.gpu', emptyOutDir: false, copyPublicDir: false, rollupOptions: { output: { entryFileNames: 'engine.js' } } },
  ssr: { noExternal: true, external: ['webgpu', 'onnxruntime-node', 'onnxruntime-web'] },
});
