/**
 * The drop-in search box (`c2llm/search-box`): a site adds code search with one import and one element,
 *
 *   <script type="module">import 'c2llm/search-box';</script>
 *   <c2llm-search index="code-index/" model="models/c2llm-nano-int8/" link="https://github.com/o/r/blob/main/{path}#L{start}-L{end}"></c2llm-search>
 *
 * or `mountSearchBox(element, options)` from script. It starts the package's worker (startEmbedder),
 * loads the index (one file, or a split index's folder, fetched in parts) while the model loads, and
 * searches by words alone from the moment the index is there until the model is (or for good, where the
 * model cannot load), saying so; then the full ranking, the query shown searched again. It renders an input, a
 * language filter and a folder filter, results with the file, lines and an excerpt whose query words
 * are marked, loading and error states, and keyboard navigation (arrows move, Enter opens the link,
 * Escape clears). The input is a combobox over the result list (ARIA 1.2), and a polite live region
 * announces the result count. Styles are the site's to override through CSS custom properties
 * (--c2s-*, search-box-style.ts). Every text from the index reaches the page through textContent.
 */
import { isShortcut } from '../text/text-field';
import { searchedAs } from '../search/language-query';
import { describeFilter, narrows } from '../search/search-filter';
import { plural } from '../text/plural';
import { startEmbedder } from '../worker/client';
import { IndexFileError, type CodeSearchResult, type LoadedIndex, type TextEmbedder } from '../worker/text-embedder';
import { excerpt } from './excerpt';
import { resultLink } from './result-link';
import { installStyle } from './search-box-style';

export interface SearchBoxOptions {
  /** The index: an index file's URL, or a split index's folder URL (ending in '/'), relative to the page. */
  readonly index: string;
  /** The model's base URL (its files in the Hub layout), relative to the page. */
  readonly model: string;
  /**
   * Where a result links: {path}, {start}, {end} and {anchor} (an HTML page's nearest heading id, from
   * `c2llm index --html`; empty when none) are replaced, e.g. a repository's blob URL with
   * #L{start}-L{end}, or a site's own pages with /{path}#{anchor}; none: no links.
   */
  readonly link?: string;
  /** Results shown (default 10). */
  readonly results?: number;
  readonly placeholder?: string;
  readonly label?: string;
  /** A key that moves the focus to the box: '/' from anywhere on the page but a text field (as GitHub and MDN take it), or 'ctrl+k' (and ⌘K) from anywhere (as DocSearch does); none by default. */
  readonly shortcut?: string;
}

export interface SearchBox {
  /** Runs a query as if typed, once the model has loaded (or failed to: by words then); resolves when its results are shown. */
  search(query: string): Promise<void>;
  /** Stops the worker and empties the element. */
  dispose(): void;
}

const TYPING_PAUSE_MS = 120;
let boxes = 0;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

export function mountSearchBox(host: HTMLElement, options: SearchBoxOptions): SearchBox {
  installStyle(host.ownerDocument);
  const id = `c2s-${++boxes}`;
  const k = options.results ?? 10;
  const root = element('div', 'c2s', { role: 'search' });
  const label = element('label', 'c2s-label', { for: `${id}-input` });
  label.textContent = options.label ?? 'Search the code';
  const input = element('input', 'c2s-input', {
    id: `${id}-input`, type: 'search', role: 'combobox', 'aria-controls': `${id}-list`, 'aria-expanded': 'false', 'aria-autocomplete': 'list', autocomplete: 'off', spellcheck: 'false', disabled: '',
    placeholder: options.placeholder ?? 'Describe the code you are looking for',
  });
  const language = element('select', 'c2s-language', { 'aria-label': 'Language', disabled: '' });
  const folder = element('input', 'c2s-folder', { type: 'text', 'aria-label': 'In folder', placeholder: 'in folder…', disabled: '' });
  const status = element('p', 'c2s-status', { role: 'status', 'aria-live': 'polite' });
  status.textContent = 'Loading the model and the index…';
  const list = element('ol', 'c2s-results', { id: `${id}-list`, role: 'listbox', 'aria-label': 'Results' });
  const bar = element('div', 'c2s-bar');
  bar.append(input, language, folder);
  root.append(label, bar, status, list);
  host.replaceChildren(root);

  // Queries only: without a hardware GPU, the TypeScript path (no onnxruntime-web WASM to fetch).
  const started = startEmbedder({ model: new URL(options.model, location.href).href, cpuFallback: 'reference' });
  const embedder: TextEmbedder = started.embedder;
  let index: LoadedIndex | undefined;
  /** The model: loading (the box searches by words meanwhile), ready, or failed, with why (by words for good). */
  let model = 'loading' as 'loading' | 'ready' | { readonly failed: string };
  /** How results are ranked while the model is not there, for the status; undefined once it is. */
  const wordsOnly = () => (model === 'ready' ? undefined : model === 'loading' ? 'by their words while the model loads' : 'by their words alone: the model did not load');
  let disposed = false;
  let latest = 0;
  let active = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const fail = (error: unknown) => {
    root.classList.add('c2s-failed');
    status.textContent = `Search is unavailable: ${(error as Error).message}`;
  };

  const resultItems = () => [...list.children] as HTMLLIElement[];
  const activate = (next: number) => {
    const items = resultItems();
    items[active]?.setAttribute('aria-selected', 'false');
    active = items.length === 0 ? -1 : (next + items.length) % items.length;
    if (active < 0) return input.removeAttribute('aria-activedescendant');
    items[active].setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', items[active].id);
    items[active].scrollIntoView({ block: 'nearest' });
  };

  /**
   * `none`: what the status says when there are no results; `corrected`: whether `query` is not the one
   * typed but its correction or what is left of it; `named`: the language the query names, searched alone.
   */
  const render = (query: string, results: readonly CodeSearchResult[], none = 'No results', corrected = false, named?: string) => {
    active = -1;
    input.removeAttribute('aria-activedescendant');
    list.replaceChildren(
      ...results.map((r, i) => {
        const item = element('li', 'c2s-result', { id: `${id}-r${i}`, role: 'option', 'aria-selected': 'false' });
        const shown = excerpt(r.text ?? '', query, r);
        const target = options.link ? element('a', 'c2s-link', { href: resultLink(options.link, r, r.startLine + shown.first) }) : element('div', 'c2s-link');
        const where = element('span', 'c2s-path');
        where.textContent = `${r.path}:${r.startLine}-${r.endLine}`;
        const code = element('pre', 'c2s-excerpt');
        for (const piece of shown.pieces) {
          const node = piece.marked ? element('mark', 'c2s-mark') : document.createTextNode('');
          node.textContent = piece.text;
          code.append(node);
        }
        target.append(where, code);
        item.append(target);
        item.addEventListener('mousemove', () => active !== i && activate(i));
        return item;
      }),
    );
    input.setAttribute('aria-expanded', String(results.length > 0));
    // By words alone, the status says so: "No results" then is no verdict on the query, only on its words.
    const byWords = wordsOnly();
    const count = results.length === 0 ? `${none}${byWords ? ` ${byWords}` : ''}` : `${plural(results.length, 'result')}${named ? ` in ${named}` : ''}${byWords ? `, ${byWords}` : ''}`;
    status.textContent = query.trim() === '' ? '' : corrected ? `${count} for “${query.trim()}”` : count;
  };

  const search = async (query: string) => {
    const asked = ++latest;
    if (!index || query.trim() === '') return render(query, []);
    // A language the query names ("… in rust") is its filter where the box's names none (language-query.ts).
    const plan = searchedAs(query, index.filterable ? { language: language.value, folder: folder.value } : undefined, index);
    const filter = plan.filter;
    try {
      // At a pause in typing the last word may be cut short, and any word misspelt: search the query in the index's words.
      const searched = await embedder.correct(index, plan.query);
      const found = await embedder.search(index, searched, { k, filter, mode: model === 'ready' ? 'hybrid' : 'lexical' });
      if (asked !== latest || disposed) return;
      render(searched, found, narrows(filter) ? `No code ${describeFilter(filter)}` : undefined, searched !== query, plan.named);
    } catch (error) {
      if (asked === latest && !disposed) fail(error);
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void search(input.value), TYPING_PAUSE_MS);
  };
  input.addEventListener('input', schedule);
  language.addEventListener('change', schedule);
  folder.addEventListener('input', schedule);
  const onShortcut = (event: KeyboardEvent) => {
    if (!options.shortcut || !isShortcut(options.shortcut, event) || input.disabled) return;
    event.preventDefault();
    input.focus();
    input.select();
  };
  if (options.shortcut) host.ownerDocument.addEventListener('keydown', onShortcut);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      activate(active + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      resultItems()[active].querySelector('a')?.click();
    } else if (event.key === 'Escape') {
      input.value = '';
      void search('');
    }
  });

  const sizeOf = (loaded: LoadedIndex) => `${loaded.chunks.toLocaleString('en')} pieces of code from ${loaded.files.toLocaleString('en')} files`;
  const indexReady = (async () => {
    index = await embedder.loadIndex(options.index);
    if (disposed) return;
    const any = element('option', '', { value: '' });
    any.textContent = 'All languages';
    language.replaceChildren(any, ...index.languages.map((name) => Object.assign(element('option', '', { value: name }), { textContent: name })));
    for (const control of [input, language, folder]) control.disabled = false;
    // A split index written before its files part cannot filter (search-filter.ts).
    for (const control of [language, folder]) control.hidden = !index.filterable;
    if (model !== 'ready') status.textContent = `${sizeOf(index)}; searching their words while the model loads`;
  })();
  const modelReady = started.loaded.then(
    () => {
      model = 'ready';
    },
    (error: unknown) => {
      // An index made with another model is refused outright; a model that cannot load leaves search by words.
      if (error instanceof IndexFileError) throw error;
      model = { failed: (error as Error).message };
    },
  );
  const ready = Promise.all([indexReady, modelReady]).then(
    () => {
      if (disposed || !index) return;
      status.textContent = typeof model === 'object' ? `${sizeOf(index)}, searched ${wordsOnly()} (${model.failed})` : sizeOf(index);
      root.classList.add(model === 'ready' ? 'c2s-ready' : 'c2s-words-only');
      if (input.value.trim() !== '') void search(input.value);
    },
    (error: unknown) => {
      if (disposed) return;
      for (const control of [input, language, folder]) control.disabled = true;
      fail(error);
    },
  );

  return {
    async search(query) {
      await ready;
      input.value = query;
      await search(query);
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
      host.ownerDocument.removeEventListener('keydown', onShortcut);
      embedder.dispose();
      host.replaceChildren();
    },
  };
}

/** `<c2llm-search index=… model=… link=… results=… placeholder=… label=… shortcut=…>`: mountSearchBox when connected. */
export class SearchElement extends HTMLElement {
  private box?: SearchBox;

  connectedCallback(): void {
    const attribute = (name: string) => this.getAttribute(name) ?? undefined;
    const [index, model] = [attribute('index'), attribute('model')];
    if (!index || !model) {
      this.textContent = 'c2llm-search needs its "index" and "model" attributes.';
      return;
    }
    const results = attribute('results');
    this.box = mountSearchBox(this, { index, model, link: attribute('link'), results: results ? Number(results) : undefined, placeholder: attribute('placeholder'), label: attribute('label'), shortcut: attribute('shortcut') });
  }

  disconnectedCallback(): void {
    this.box?.dispose();
    this.box = undefined;
  }

  /** Runs a query as if typed (resolves when its results are shown). */
  search(query: string): Promise<void> {
    return this.box?.search(query) ?? Promise.resolve();
  }
}

if (!customElements.get('c2llm-search')) customElements.define('c2llm-search', SearchElement);
