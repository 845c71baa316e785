/**
 * Whether a key pressed on an element types into it: a page's shortcut key (the search box's `/`) must
 * leave such a key to it. Read from the element's tag, type and editability alone, so that it needs no
 * DOM classes to be defined.
 */

/** Input types whose keys type no text. */
const NOT_TYPED = new Set(['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** Whether typing into `target` writes text: an input that takes text, a textarea, a select or editable content. */
export function isTextField(target: EventTarget | null): boolean {
  const element = target as { tagName?: string; type?: string; isContentEditable?: boolean } | null;
  switch (element?.tagName) {
    case 'INPUT':
      return !NOT_TYPED.has(element.type ?? 'text');
    case 'TEXTAREA':
    case 'SELECT':
      return true;
    default:
      return element?.isContentEditable === true;
  }
}
