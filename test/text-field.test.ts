/** src/text/text-field.ts: which elements take a key as text, and which key presses a page's shortcut takes. */
import { describe, expect, test } from 'vitest';
import { isShortcut, isTextField } from '../src/text/text-field';

describe('isTextField', () => {
  test.each([
    [{ tagName: 'INPUT', type: 'text' }, true],
    [{ tagName: 'INPUT', type: 'search' }, true],
    [{ tagName: 'INPUT' }, true],
    [{ tagName: 'INPUT', type: 'checkbox' }, false],
    [{ tagName: 'INPUT', type: 'file' }, false],
    [{ tagName: 'TEXTAREA' }, true],
    [{ tagName: 'SELECT' }, true],
    [{ tagName: 'DIV', isContentEditable: true }, true],
    [{ tagName: 'DIV', isContentEditable: false }, false],
    [{ tagName: 'BODY' }, false],
    [null, false],
  ])('%o: %s', (target, expected) => {
    expect(isTextField(target as unknown as EventTarget | null)).toBe(expected);
  });
});

describe('isShortcut', () => {
  const press = (key: string, modifiers: { ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean } = {}, target: unknown = { tagName: 'BODY' }) => ({ key, ctrlKey: false, metaKey: false, altKey: false, ...modifiers, target: target as EventTarget });
  test.each([
    ['/', press('/'), true],
    ['/', press('/', {}, { tagName: 'INPUT', type: 'text' }), false],
    ['/', press('/', { ctrlKey: true }), false],
    ['/', press('?'), false],
    ['ctrl+k', press('k', { ctrlKey: true }), true],
    ['ctrl+k', press('K', { metaKey: true }, { tagName: 'TEXTAREA' }), true],
    ['Ctrl+K', press('k', { ctrlKey: true }), true],
    ['ctrl+k', press('k'), false],
    ['ctrl+k', press('k', { ctrlKey: true, altKey: true }), false],
    ['ctrl+k', press('j', { ctrlKey: true }), false],
  ])('%s, %o: %s', (spec, event, expected) => {
    expect(isShortcut(spec, event)).toBe(expected);
  });
});
