/**
 * The search box's stylesheet, added once per document before any site style (so a site's rules win).
 * Every colour, font and size is a CSS custom property a site may set on `c2llm-search` or any
 * ancestor (the rules read them through private --_* names that hold the defaults): --c2s-fg, --c2s-muted, --c2s-bg, --c2s-surface, --c2s-border, --c2s-accent, --c2s-mark,
 * --c2s-error, --c2s-font, --c2s-code-font, --c2s-radius, --c2s-max-height. Dark defaults follow
 * prefers-color-scheme.
 */
const CSS = `
.c2s {
  --_fg: var(--c2s-fg, #1f2328); --_muted: var(--c2s-muted, #59636e); --_bg: var(--c2s-bg, #ffffff);
  --_surface: var(--c2s-surface, #f6f8fa); --_border: var(--c2s-border, #d1d9e0); --_accent: var(--c2s-accent, #0969da);
  --_mark: var(--c2s-mark, #fff8c5); --_error: var(--c2s-error, #d1242f);
  font: 15px/1.5 var(--c2s-font, system-ui, sans-serif); color: var(--_fg); background: var(--_bg);
}
@media (prefers-color-scheme: dark) {
  .c2s {
    --_fg: var(--c2s-fg, #e6edf3); --_muted: var(--c2s-muted, #9198a1); --_bg: var(--c2s-bg, #0d1117);
    --_surface: var(--c2s-surface, #151b23); --_border: var(--c2s-border, #3d444d); --_accent: var(--c2s-accent, #4493f8);
    --_mark: var(--c2s-mark, #5c4a00); --_error: var(--c2s-error, #f85149);
  }
}
.c2s-label { display: block; font-weight: 600; margin-bottom: 0.3rem; }
.c2s-bar { display: flex; gap: 0.5rem; flex-wrap: wrap; }
.c2s-input { flex: 1 1 18rem; }
.c2s-input, .c2s-language, .c2s-folder {
  font: inherit; color: inherit; background: var(--_bg); border: 1px solid var(--_border);
  border-radius: var(--c2s-radius, 6px); padding: 0.45rem 0.6rem; min-width: 0;
}
.c2s-folder { flex: 0 1 9rem; }
.c2s-input:focus-visible, .c2s-language:focus-visible, .c2s-folder:focus-visible { outline: 2px solid var(--_accent); outline-offset: 1px; }
.c2s-status { color: var(--_muted); margin: 0.4rem 0; min-height: 1.5em; }
.c2s-failed .c2s-status { color: var(--_error); }
.c2s-results { list-style: none; margin: 0; padding: 0; max-height: var(--c2s-max-height, none); overflow: auto; }
.c2s-result { border: 1px solid var(--_border); border-radius: var(--c2s-radius, 6px); margin: 0.5rem 0; }
.c2s-result[aria-selected="true"] { border-color: var(--_accent); box-shadow: 0 0 0 1px var(--_accent); }
.c2s-link { display: block; padding: 0.4rem 0.6rem; color: inherit; text-decoration: none; }
.c2s-path { font-family: var(--c2s-code-font, ui-monospace, monospace); font-weight: 600; color: var(--_accent); overflow-wrap: anywhere; }
.c2s-excerpt {
  font: 13px/1.45 var(--c2s-code-font, ui-monospace, monospace); background: var(--_surface);
  margin: 0.3rem 0 0; padding: 0.4rem 0.5rem; overflow: auto; border-radius: var(--c2s-radius, 6px);
}
.c2s-mark { background: var(--_mark); color: inherit; border-radius: 2px; }
`;

export function installStyle(document: Document): void {
  if (document.getElementById('c2llm-search-style')) return;
  const style = document.createElement('style');
  style.id = 'c2llm-search-style';
  style.textContent = CSS;
  document.head.prepend(style);
}
