/**
 * Code search on a static page: the bundled C2LLM-nano model and an index file built beforehand with
 * `npx c2llm index <folder> --output public/code.c2idx`, both served with the page. The model runs and
 * the index is searched in the engine's worker; nothing is sent anywhere.
 */
import { createEmbedder } from 'c2llm';

const query = document.getElementById('query') as HTMLInputElement;
const status = document.getElementById('status')!;
const list = document.getElementById('results')!;

// vite.config.ts builds workers as ES modules, so on a cross-origin-isolated page the CPU path may use threads.
const embedder = await createEmbedder({ model: new URL('models/c2llm-nano/', location.href).href, threads: 4 });
const index = await embedder.loadIndex('code.c2idx');
status.textContent = `${index.chunks} pieces of code from ${index.files} files, ready.`;
query.disabled = false;
query.focus();

let latest = 0;
query.addEventListener('input', async () => {
  const asked = ++latest;
  if (!query.value.trim()) return list.replaceChildren();
  const results = await embedder.search(index, query.value, { k: 10 });
  if (asked !== latest) return;
  list.replaceChildren(
    ...results.map((r) => {
      const item = document.createElement('li');
      const path = document.createElement('div');
      path.className = 'path';
      path.textContent = `${r.path}:${r.startLine}-${r.endLine}`;
      const code = document.createElement('pre');
      code.textContent = r.text ?? '';
      item.append(path, code);
      return item;
    }),
  );
});
