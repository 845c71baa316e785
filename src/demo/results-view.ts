/**
 * The demo's results list: each result as its path and lines, its score and its code (highlighted,
 * the query's words marked, through textContent only), scrolled to the line that best shows the query (query-matches.ts's
 * focusLine, as `c2llm search` prints and the search box's excerpt starts), and the keyboard: arrows move
 * between the search box and the results, "/" focuses the search box.
 */
import { isShortcut } from '../text/text-field';
import type { CodeSearchResult } from '../search/code-index';
import { DATA_CHUNK_DEMOTION, DEFAULT_LEXICAL_WEIGHT, FULL_COVERAGE, PROSE_CHUNK_DEMOTION, SUPPORTING_FILE_DEMOTION } from '../search/fusion';
import { focusLine, queryMatcher } from '../search/query-matches';
import type { SearchMode } from '../search/ranking';
import { highlight } from './highlight';

/** What a score means in each mode, shown on hover: each mode has its own scale. */
const SCORE_MEANING: Record<SearchMode, string> = {
  hybrid: `hybrid score: standardised meaning score + up to ${DEFAULT_LEXICAL_WEIGHT} x standardised word score (less where the best word match holds under ${FULL_COVERAGE * 100}% of the query; 0 is average among the candidates), ${SUPPORTING_FILE_DEMOTION} less for tests, examples, documents, C/C++ headers of a source file and generated code, ${PROSE_CHUNK_DEMOTION} less for code that is mostly comments, ${DATA_CHUNK_DEMOTION} less for code that is mostly lists or tables of literals, unless the query names them`,
  dense: 'meaning score: cosine similarity of the query and the code (-1 to 1)',
  lexical: 'word score: BM25 over the words of the code and its path, less words like "the" and "of" (0 shares no word)',
};

/** Lines shown above a result's focus line, so that a definition's comment or a call's context stays in view. */
const LINES_ABOVE_FOCUS = 2;

/** `query`: the query searched (as corrected from the index's words), for the line each result is scrolled to. */
export function renderResults(list: HTMLElement, results: readonly CodeSearchResult[], mode: SearchMode, query: string): void {
  const scrolls: { readonly pre: HTMLElement; readonly line: number }[] = [];
  const marks = queryMatcher(query);
  list.replaceChildren(
    ...results.map((result) => {
      const item = document.createElement('li');
      item.tabIndex = 0;
      const head = document.createElement('div');
      head.className = 'result-head';
      const path = document.createElement('span');
      path.className = 'result-path';
      path.textContent = `${result.path}:${result.startLine}–${result.endLine}`;
      const scoreText = document.createElement('span');
      scoreText.className = 'result-score';
      scoreText.textContent = result.score.toFixed(3);
      scoreText.title = SCORE_MEANING[mode];
      head.append(path, scoreText);
      const pre = document.createElement('pre');
      const code = document.createElement('code');
      code.append(highlight(result.text ?? '', result.openComment, marks));
      pre.append(code);
      item.append(head, pre);
      const focus = result.text === undefined ? -1 : focusLine(result.text.split('\n'), query, result);
      if (focus > LINES_ABOVE_FOCUS) scrolls.push({ pre, line: focus - LINES_ABOVE_FOCUS });
      return item;
    }),
  );
  // Lines of a <pre> that does not wrap are all one height: its computed line-height.
  for (const { pre, line } of scrolls) pre.scrollTop = line * parseFloat(getComputedStyle(pre).lineHeight);
}

export function installKeyboardNavigation(search: HTMLInputElement, list: HTMLElement, run: (query: string) => void): void {
  // Typing searches after a pause; Enter at once; Escape clears; ArrowDown enters the results.
  let debounce: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => run(search.value), 250);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      clearTimeout(debounce);
      run(search.value);
    } else if (event.key === 'Escape') {
      search.value = '';
      run('');
    } else if (event.key === 'ArrowDown') {
      (list.firstElementChild as HTMLElement | null)?.focus();
      event.preventDefault();
    }
  });
  list.addEventListener('keydown', (event) => {
    const item = event.target as HTMLElement;
    const next = event.key === 'ArrowDown' ? item.nextElementSibling : event.key === 'ArrowUp' ? (item.previousElementSibling ?? search) : null;
    if (next) {
      (next as HTMLElement).focus();
      event.preventDefault();
    }
  });
  document.addEventListener('keydown', (event) => {
    // The search box's rule: not from a field that takes the key as text (the folder filter's "src/…"), nor with Ctrl, ⌘ or Alt.
    if (isShortcut('/', event) && !search.disabled) {
      search.focus();
      event.preventDefault();
    }
  });
}
