/**
 * Which key presses a page's shortcut takes (the search box's `shortcut`: `/`, or `ctrl+k`): a plain key
 * only where it would type no text, since an element that takes it as text must keep it; a key with Ctrl
 * (or ⌘ on a Mac) anywhere. Read from the event's key and modifiers and its target's tag, type and
 * editability alone, so that it needs no DOM classes to be defined.
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

/** The parts of a keydown event a shortcut is matched against. */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly target: EventTarget | null;
}

/** Whether `press` is the shortcut `spec` names: a key ('/'), or 'ctrl+' and a key ('ctrl+k'), which ⌘ and the key press too. */
export function isShortcut(spec: string, press: KeyPress): boolean {
  const withControl = /^ctrl\+(.+)$/i.exec(spec);
  if (press.altKey) return false;
  if (withControl) return (press.ctrlKey || press.metaKey) && press.key.toLowerCase() === withControl[1].toLowerCase();
  return !press.ctrlKey && !press.metaKey && press.key === spec && !isTextField(press.target);
}
