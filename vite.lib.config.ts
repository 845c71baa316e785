/**
 * The package's browser build (`npm run build:lib`): src/package/browser.ts, the search box
 * (src/package/search-box.ts, `c2llm/search-box`) and the engine worker as
 * ES modules in dist/lib/, the shaders inlined (`?raw`), the dependencies left for the consumer's
 * bundler. The page code starts the worker with `new Worker(new URL('./engine-worker.js',
 * import.meta.url), { type: 'module' })`, the form Vite and webpack 5 follow in the consumer's build
 * (Vite's own worker handling would write an absolute /assets/ URL, which a consumer cannot follow:
 * `workerUrlForConsumers` writes it back). The Node build is `vite build --ssr` of
 * src/package/node.ts (package.json's build:lib).
 */
import { rmSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';

const external = [/^comlink/, /^@huggingface\/tokenizers/, /^onnxruntime-/];

function workerUrlForConsumers(): Plugin {
  const emitted = /new URL\(\s*\/\* @vite-ignore \*\/\s*"\/assets\/engine-worker-[\w-]+\.js",\s*"" \+ import\.meta\.url\s*\)/;
  return {
    name: 'worker-url-for-consumers',
    renderChunk(code, chunk) {
      if (!code.includes('c2llm-engine')) return null;
      if (!emitted.test(code)) this.error(`${chunk.fileName}: the engine worker's URL is not in the form this plugin rewrites`);
      return code.replace(emitted, 'new URL("./engine-worker.js", import.meta.url)');
    },
    closeBundle() {
      rmSync('dist/lib/assets', { recursive: true, force: true });
    },
  };
}

export default defineConfig({
  publicDir: false,
  worker: { format: 'es', rollupOptions: { external } },
  plugins: [workerUrlForConsumers()],
  build: {
    outDir: 'dist/lib',
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: false,
    lib: { entry: { browser: 'src/package/browser.ts', 'search-box': 'src/package/search-box.ts', 'engine-worker': 'src/worker/engine-worker.ts' }, formats: ['es'] },
    rollupOptions: { external },
  },
});
