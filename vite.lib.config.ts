/**
 * The package's browser builds (`npm run build:lib`), ES modules with the shaders inlined (`?raw`):
 *   dist/lib/         src/package/browser.ts, the search box (src/package/search-box.ts, `c2llm/search-box`)
 *                     and the engine worker, the dependencies left for the consumer's bundler;
 *   dist/standalone/  (`--mode standalone`) the search box and its worker with their dependencies in
 *                     them, minified: a folder a site without a bundler (Hugo, Jekyll, MkDocs, Sphinx,
 *                     plain HTML) copies and loads with one script tag. onnxruntime-web stays out: the box
 *                     embeds its queries on WebGPU or the TypeScript path (cpuFallback 'reference').
 * The page code starts the worker with `new Worker(new URL('./engine-worker.js', import.meta.url), {
 * type: 'module' })`, the form Vite and webpack 5 follow in the consumer's build and a browser follows
 * as it is (Vite's own worker handling would write an absolute /assets/ URL, which neither can follow:
 * `workerUrlNextToPage` writes it back). The Node build is `vite build --ssr` of src/package/node.ts
 * (tools/build-lib.mjs).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

function workerUrlNextToPage(outDir: string): Plugin {
  const emitted = /new URL\(\s*\/\* @vite-ignore \*\/\s*"\/assets\/engine-worker-[\w-]+\.js",\s*"" \+ import\.meta\.url\s*\)/;
  return {
    name: 'worker-url-next-to-page',
    renderChunk(code, chunk) {
      if (!code.includes('c2llm-engine')) return null;
      if (!emitted.test(code)) this.error(`${chunk.fileName}: the engine worker's URL is not in the form this plugin rewrites`);
      return code.replace(emitted, 'new URL("./engine-worker.js", import.meta.url)');
    },
    closeBundle() {
      rmSync(join(outDir, 'assets'), { recursive: true, force: true });
    },
  };
}

export default defineConfig(({ mode }) => {
  const standalone = mode === 'standalone';
  const outDir = standalone ? 'dist/standalone' : 'dist/lib';
  const external = standalone ? [/^onnxruntime-/] : [/^comlink/, /^@huggingface\/tokenizers/, /^onnxruntime-/];
  const entry = standalone
    ? { 'search-box': 'src/package/search-box.ts', 'engine-worker': 'src/worker/engine-worker.ts' }
    : { browser: 'src/package/browser.ts', 'search-box': 'src/package/search-box.ts', 'engine-worker': 'src/worker/engine-worker.ts' };
  return {
    publicDir: false,
    worker: { format: 'es', rollupOptions: { external } },
    plugins: [workerUrlNextToPage(outDir)],
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      minify: standalone,
      sourcemap: false,
      lib: { entry, formats: ['es'] },
      rollupOptions: { external },
    },
  };
});
