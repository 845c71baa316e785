/**
 * The demo: load a C2LLM model (by default the bundled C2LLM-nano, else one from the Hub, with the
 * bundled one offered when that fails), index a folder of code, search it by meaning, by words or both.
 * All file content and names reach the page through textContent only.
 * URL parameters, for mirrors and tests: ?model=<repo id or URL>&host=<hub>&device=webgpu|cpu|auto&dtype=auto|int8.
 */
import { AbortError, createEmbedder, type CodeSearchResult, type EngineInfo, type LoadedIndex, type TextEmbedder } from '../worker/client';
import { encodeIndex } from '../search/index-file';
import type { DeviceChoice } from '../embedder';
import { IndexStore, MemoryStore } from './index-store';
import { CHUNKER_VERSION } from '../search/chunker';
import { indexCorpus, restoreCorpus, type IndexProgress, type IndexStoreLike } from '../search/indexer';
import type { CorpusVectors } from '../search/corpus-vectors';
import type { SearchMode } from '../search/ranking';
import { searchedAs } from '../search/language-query';
import { describeFilter, narrows } from '../search/search-filter';
import { fromDirectoryPicker, fromDrop, fromFileList, hasDirectoryPicker, type PickedFolder } from './folder';
import { installKeyboardNavigation, renderResults } from './results-view';
import { plural } from '../text/plural';
import { renderSkipped } from './skipped-view';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  modelStatus: $('model-status'),
  download: $('download'),
  downloadBar: $<HTMLProgressElement>('download-bar'),
  downloadText: $('download-text'),
  modelError: $('model-error'),
  modelErrorText: $('model-error-text'),
  useDemoModel: $<HTMLButtonElement>('use-demo-model'),
  demoNotice: $('demo-notice'),
  folderInput: $<HTMLInputElement>('folder-input'),
  openFolder: $<HTMLButtonElement>('open-folder'),
  dropZone: $('drop-zone'),
  indexing: $('indexing'),
  indexBar: $<HTMLProgressElement>('index-bar'),
  indexText: $('index-text'),
  cancelIndex: $<HTMLButtonElement>('cancel-index'),
  corpusStatus: $('corpus-status'),
  skipped: $<HTMLDetailsElement>('skipped'),
  search: $<HTMLInputElement>('search'),
  searchStatus: $('search-status'),
  results: $<HTMLOListElement>('results'),
  clearStorage: $<HTMLButtonElement>('clear-storage'),
  deviceReason: $('device-reason'),
  storageStatus: $('storage-status'),
  weightsChoice: $<HTMLSelectElement>('weights-choice'),
  searchMode: $<HTMLSelectElement>('search-mode'),
  searchLanguage: $<HTMLSelectElement>('search-language'),
  searchFolder: $<HTMLInputElement>('search-folder'),
  saveIndex: $<HTMLButtonElement>('save-index'),
  indexFile: $<HTMLInputElement>('index-file'),
};

const params = new URLSearchParams(location.search);
const BUNDLED_MODEL_URL = new URL('models/c2llm-nano/', location.href).href;
const MB = 1024 * 1024;
/** How often, at most, the files embedded so far are loaded again to be searched while a folder is indexed (demo indexFolder). */
const PARTIAL_RELOAD_MS = 5000;

let embedder: TextEmbedder | undefined;
let info: EngineInfo | undefined;
/**
 * The index searched: the folder's (indexed or restored, as an index file's bytes, which the save button
 * downloads) or an index file opened on the page; either way loaded into the engine's worker and
 * searched there, off this thread.
 */
let opened: { index: LoadedIndex; name: string; bytes?: Uint8Array } | undefined;
let store: (IndexStoreLike & { clear(): Promise<void> }) | undefined;
/** What the page tells a user to run on a saved index (e2e/demo.spec.ts runs it as written). */
const CLI_HINT = '`npx c2llm search --index code.c2idx --query "what you are looking for"`';
let indexing: AbortController | undefined;
let loaded: { model: string; isDemo: boolean } | undefined;

function setText(element: HTMLElement, text: string): void {
  element.textContent = text;
}

/** Starts page work from an event: a failure nobody awaits is said on the page, never lost. */
function start(work: () => Promise<unknown>): void {
  work().catch((error: unknown) => setText(ui.corpusStatus, `Something failed: ${(error as Error).message ?? String(error)}`));
}

async function loadModel(model: string, isDemo: boolean): Promise<void> {
  loaded = { model, isDemo };
  indexing?.abort('the model changed');
  opened = undefined;
  ui.search.disabled = true;
  ui.saveIndex.disabled = true;
  ui.results.replaceChildren();
  setText(ui.corpusStatus, '');
  setText(ui.searchStatus, '');
  ui.modelError.hidden = true;
  ui.download.hidden = false;
  setText(ui.modelStatus, `Loading ${isDemo ? 'the bundled C2LLM-nano model' : model}…`);
  let downloaded = 0;
  let cached = 0;
  try {
    embedder?.dispose();
    embedder = await createEmbedder({
      model,
      host: params.get('host') ?? undefined,
      device: (params.get('device') as DeviceChoice | null) ?? 'auto',
      dtype: ui.weightsChoice.value === 'int8' ? 'int8' : 'auto',
      // This page's build emits workers as ES modules (vite.config.ts), so onnxruntime-web can start threads.
      threads: 4,
      onProgress: (p) => {
        ui.downloadBar.max = 1;
        ui.downloadBar.value = p.fraction;
        if (p.phase !== 'download') return setText(ui.downloadText, p.phase === 'upload' ? `uploading the weights: ${p.done} of ${p.total}` : p.phase === 'compile' ? 'compiling the kernels' : 'ready');
        if (p.loaded === p.total) (p.fromCache ? (cached += p.loaded) : (downloaded += p.loaded));
        setText(ui.downloadText, `${p.file}: ${(p.overallLoaded / MB).toFixed(1)} of ${(p.overallTotal / MB).toFixed(1)} MB${p.fromCache ? ' (from this browser’s cache)' : ''}`);
      },
    });
    info = await embedder.info();
  } catch (error) {
    ui.download.hidden = true;
    setText(ui.modelStatus, 'No model loaded.');
    setText(ui.modelErrorText, `Could not load ${isDemo ? 'the bundled C2LLM-nano model' : model}: ${(error as Error).message}`);
    ui.modelError.hidden = false;
    ui.useDemoModel.hidden = isDemo;
    return;
  }
  ui.download.hidden = true;
  ui.demoNotice.hidden = !isDemo;
  const origin = `${(downloaded / MB).toFixed(1)} MB downloaded, ${(cached / MB).toFixed(1)} MB from this browser’s cache`;
  setText(ui.modelStatus, `Model: ${isDemo ? 'C2LLM-nano (bundled, trained by this project)' : info.model} · ${info.dim}-dim · ${info.dtype} · ${info.adapter} · ${origin}`);
  ui.modelStatus.title = `Device: ${info.deviceReason}`;
  setText(ui.deviceReason, `Running on ${info.adapter}: ${info.deviceReason}.`);
  ui.folderInput.disabled = false;
  ui.openFolder.disabled = false;
  ui.indexFile.disabled = false;
  store ??= await openStore();
  const restored = await restoreCorpus(modelKey(), info.dim, store).catch(() => undefined);
  if (restored && restored.corpus.size > 0) {
    await searchCorpus(restored.corpus, `“${restored.folder}”`);
    setText(ui.corpusStatus, `Restored the index of “${restored.folder}” from this browser: ${restored.corpus.size} chunks, nothing re-embedded.`);
  }
}

/** The language filter's choices: the opened index's languages (the choice kept where it still applies). */
function listLanguages(index: LoadedIndex): void {
  const chosen = ui.searchLanguage.value;
  const option = (value: string, text: string) => Object.assign(document.createElement('option'), { value, textContent: text });
  ui.searchLanguage.replaceChildren(option('', 'all'), ...index.languages.map((name) => option(name, name)));
  ui.searchLanguage.value = index.languages.includes(chosen) ? chosen : '';
}

/**
 * The folder's vectors as an index file, loaded into the engine's worker to be searched there; `name` as
 * the status names it; undefined where `wanted()` no longer holds once it has loaded (the indexing it
 * came from was cancelled or replaced): it is released and the opened index kept. A folder still being embedded
 * (`partial`) is searched but not offered for saving.
 */
async function searchCorpus(corpus: CorpusVectors, name: string, partial = false, wanted = () => true): Promise<LoadedIndex | undefined> {
  const bytes = encodeIndex(corpus.toIndexData({ id: info!.model, fingerprint: info!.fingerprint }));
  const loadedIndex = await embedder!.loadIndex(bytes);
  if (!wanted()) {
    loadedIndex.release();
    return undefined;
  }
  opened?.index.release();
  opened = { index: loadedIndex, name, bytes };
  listLanguages(loadedIndex);
  ui.saveIndex.disabled = partial;
  ui.search.disabled = false;
  return loadedIndex;
}

/** IndexedDB, or where the browser refuses it (private mode, blocked storage) an in-memory store, said on the page. */
async function openStore(): Promise<IndexStoreLike & { clear(): Promise<void> }> {
  try {
    return await IndexStore.open();
  } catch (error) {
    setText(ui.storageStatus, `Browser storage is unavailable (${(error as Error).message || error}): indexes are kept in memory only.`);
    return new MemoryStore();
  }
}

/** What stored chunks and vectors were made with: the model, and the chunker (another version cuts files otherwise). */
function modelKey(): string {
  return `${info?.model}|${info?.dim}|${info?.dtype}|chunker ${CHUNKER_VERSION}`;
}

function formatSeconds(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}

/**
 * While a folder is embedded, the files done so far are searched: loaded at once, then again once
 * PARTIAL_RELOAD_MS have passed and they have grown by half (each load encodes them all: at most about 3
 * times the whole in all), and the query on screen searched again. `wanted()`: the indexing goes on.
 */
function searchWhileEmbedding(folderName: string, wanted: () => boolean) {
  let load: Promise<void> | undefined;
  let [loadedAt, loadedSize] = [-Infinity, 0];
  let latest: LoadedIndex | undefined;
  return {
    progress(p: IndexProgress, done: CorpusVectors): void {
      if (load || p.chunksDone === p.chunksTotal || done.size < Math.max(1, 1.5 * loadedSize) || performance.now() - loadedAt < PARTIAL_RELOAD_MS) return;
      [loadedAt, loadedSize] = [performance.now(), done.size];
      const name = `“${folderName}” embedded so far (${p.chunksDone} of ${p.chunksTotal} new chunks; indexing goes on)`;
      load = (async () => {
        const index = await searchCorpus(done, name, true, wanted);
        if (!index) return;
        latest = index;
        if (ui.search.value.trim()) await search(ui.search.value);
      })()
        .catch(() => undefined) // the final load says what fails
        .finally(() => (load = undefined));
    },
    /** Once the load in flight, if any, is done. */
    settled: async (): Promise<void> => load,
    /** Whether `index` is the files done so far, as last loaded. */
    loaded: (index: LoadedIndex): boolean => index === latest,
  };
}

async function indexFolder(folder: PickedFolder): Promise<void> {
  if (!embedder || !info || !store) return;
  indexing?.abort();
  const controller = new AbortController();
  indexing = controller;
  ui.indexing.hidden = false;
  ui.indexBar.value = 0;
  setText(ui.indexText, `Reading ${folder.files.length} files…`);
  let embeddingStarted = 0;
  setText(ui.corpusStatus, '');
  const soFar = searchWhileEmbedding(folder.name, () => indexing === controller);
  try {
    const report = await indexCorpus({
      folder: folder.name,
      files: folder.files,
      skipped: folder.skipped,
      model: modelKey(),
      dim: info.dim,
      store,
      embedder,
      signal: controller.signal,
      onProgress: (p, done) => {
        soFar.progress(p, done);
        ui.indexBar.max = Math.max(1, p.chunksTotal);
        ui.indexBar.value = p.chunksDone;
        // Time left from the embedding alone: reading and hashing the files came before it.
        if (p.chunksDone === 0) embeddingStarted = p.elapsedMs;
        const seconds = (p.elapsedMs - embeddingStarted) / 1000;
        const rate = p.tokens / Math.max(seconds, 1e-3);
        const left = p.chunksDone > 0 ? (seconds / p.chunksDone) * (p.chunksTotal - p.chunksDone) : NaN;
        setText(ui.indexText, `${p.chunksDone} / ${p.chunksTotal} chunks · ${rate.toFixed(0)} tokens/s${Number.isFinite(left) ? ` · about ${formatSeconds(left)} left` : ''}`);
      },
    });
    await soFar.settled();
    await searchCorpus(report.corpus, `“${folder.name}”`);
    const seconds = report.elapsedMs / 1000;
    setText(
      ui.corpusStatus,
      `Indexed “${folder.name}”: ${report.files} files, ${report.corpus.size} chunks (${report.embeddedChunks} embedded, ${report.reusedFiles} files unchanged), ` +
        `${plural(renderSkipped(ui.skipped, report.skipped), 'file')} skipped, in ${seconds.toFixed(1)} s (${(report.tokens / Math.max(seconds, 1e-3)).toFixed(0)} tokens/s).` +
        (report.storageError ? ` Index kept in memory only: storage failed for ${report.unsaved.length} files (${report.storageError}); a reload will not restore them.` : ''),
    );
    ui.search.focus();
  } catch (error) {
    await soFar.settled();
    // What was searched while indexing went on is what there is: say so in each search's status.
    if (opened && soFar.loaded(opened.index)) opened = { ...opened, name: `“${folder.name}” as far as it was embedded` };
    setText(ui.corpusStatus, error instanceof AbortError ? 'Indexing cancelled; the files finished so far are kept.' : `Indexing failed: ${(error as Error).message}`);
  } finally {
    ui.indexing.hidden = true;
    if (indexing === controller) indexing = undefined;
  }
}

const MODE_NAMES: Record<SearchMode, string> = { hybrid: 'by meaning and words', dense: 'by meaning', lexical: 'by words (BM25)' };
let searchGeneration = 0;
async function search(query: string): Promise<void> {
  const generation = ++searchGeneration;
  if (!embedder || !opened || !query.trim()) {
    ui.results.replaceChildren();
    setText(ui.searchStatus, '');
    return;
  }
  const mode = ui.searchMode.value as SearchMode;
  // A language the query names ("… in rust") is its filter where the page's names none (language-query.ts).
  const plan = searchedAs(query, { language: ui.searchLanguage.value, folder: ui.searchFolder.value }, opened.index);
  const filter = plan.filter ?? {};
  const started = performance.now();
  let results: CodeSearchResult[];
  let searched: string;
  try {
    // Typing searches at each pause, so the last word may be cut short, and any word misspelt: search the query in the index's words.
    searched = await embedder.correct(opened.index, plan.query);
    results = await embedder.search(opened.index, searched, { k: 10, mode, filter });
  } catch (error) {
    if (generation !== searchGeneration) return;
    ui.results.replaceChildren();
    setText(ui.searchStatus, `Search failed: ${(error as Error).message}`);
    return;
  }
  if (generation !== searchGeneration) return;
  renderResults(ui.results, results, mode, searched);
  const total = performance.now() - started;
  const kept = narrows(filter) ? ` (those ${describeFilter(filter)}${plan.named ? ', as the query names' : ''})` : '';
  const asked = searched === query ? '' : ` for “${searched.trim()}”`;
  setText(ui.searchStatus, `${results.length} results${asked} of ${opened.index.chunks} chunks of ${opened.name}${kept}, ranked ${MODE_NAMES[mode]}, in ${total.toFixed(0)} ms (query embedded and index searched in the engine's worker).`);
}

ui.saveIndex.addEventListener('click', () => {
  const bytes = opened?.bytes;
  if (!bytes) return;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  link.download = 'code.c2idx';
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  setText(ui.storageStatus, `Saved the index (${(bytes.byteLength / 1024).toFixed(0)} KiB): search it with ${CLI_HINT} or open it here.`);
});
ui.indexFile.addEventListener('change', () => start(async () => {
  const file = ui.indexFile.files?.[0];
  if (!file || !embedder) return;
  try {
    const loaded = await embedder.loadIndex(new Uint8Array(await file.arrayBuffer()));
    opened?.index.release();
    opened = { index: loaded, name: file.name };
    listLanguages(loaded);
    ui.saveIndex.disabled = true;
    setText(ui.corpusStatus, `Opened ${file.name}: ${loaded.chunks} chunks of ${loaded.files} files, searched in the engine's worker.`);
    ui.search.disabled = false;
    ui.search.focus();
  } catch (error) {
    setText(ui.corpusStatus, `Could not open ${file.name}: ${(error as Error).message}`);
  }
}));
ui.useDemoModel.addEventListener('click', () => start(() => loadModel(BUNDLED_MODEL_URL, true)));
ui.weightsChoice.addEventListener('change', () => loaded && start(() => loadModel(loaded!.model, loaded!.isDemo)));
ui.clearStorage.addEventListener('click', () => start(async () => {
  const files = embedder ? await embedder.listCache() : [];
  const removed = embedder ? await embedder.clearCache() : 0;
  await (store ??= await openStore()).clear();
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  setText(ui.storageStatus, `Removed ${removed} cached model files (${(bytes / MB).toFixed(1)} MB) and the saved indexes.`);
}));
ui.folderInput.addEventListener('change', () => {
  if (ui.folderInput.files?.length) start(() => indexFolder(fromFileList(ui.folderInput.files!)));
});
if (hasDirectoryPicker()) {
  ui.openFolder.hidden = false;
  ui.openFolder.addEventListener('click', () => start(() => fromDirectoryPicker().then(indexFolder, () => undefined)));
}
ui.dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  ui.dropZone.classList.add('dragging');
});
ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
ui.dropZone.addEventListener('drop', (event) => start(async () => {
  event.preventDefault();
  ui.dropZone.classList.remove('dragging');
  const folder = event.dataTransfer && (await fromDrop(event.dataTransfer.items));
  if (folder && !ui.folderInput.disabled) await indexFolder(folder);
}));
ui.cancelIndex.addEventListener('click', () => indexing?.abort('cancelled'));

for (const control of [ui.searchMode, ui.searchLanguage]) control.addEventListener('change', () => start(() => search(ui.search.value)));
ui.searchFolder.addEventListener('input', () => start(() => search(ui.search.value)));
installKeyboardNavigation(ui.search, ui.results, (query) => start(() => search(query)));

if (params.get('dtype') === 'int8') ui.weightsChoice.value = 'int8';
const requested = params.get('model');
start(() => loadModel(requested ?? BUNDLED_MODEL_URL, requested === null || requested === BUNDLED_MODEL_URL));
