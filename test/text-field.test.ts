/** src/text/text-field.ts: which elements take a key as text, so that a page's shortcut leaves it to them. */
import { describe, expect, test } from 'vitest';
import { isTextField } from '../src/text/text-field';

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
