/**
 * The package's `c2llm/search-box` entry: importing it defines the `<c2llm-search>` element; the
 * same box is mounted from script with `mountSearchBox` (src/search-box/search-box.ts).
 */
export { mountSearchBox, SearchElement, type SearchBox, type SearchBoxOptions } from '../search-box/search-box';
export { resultLink } from '../search-box/result-link';
